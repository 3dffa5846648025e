"""Demo data for a person trying the service: one account per role, a
Tuesday-evening group whose sessions carry their topics, two participants,
three survivors who can sign in, and a year of history (more cases, contacts,
messages, answered check-ins and closures) so the manager's reports show
figures. Idempotent. Refuses to run unless the DEMO_DATA setting is on (the
development settings `make run` uses; never production), because it prints
passwords. ``--accounts`` prints only the table of demo accounts."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale

from checkins.models import CheckIn, CheckInPlan
from contacts import roles
from contacts.encryption import phone_hash
from contacts.models import User
from programme.models import (
    Attendance,
    AttendanceMark,
    Participant,
    ParticipantStatus,
    ProgrammeGroup,
    ProgrammeModule,
    ProgrammeSession,
)
from programme.services import records
from programme.services.partners import partner_details_pass_on
from survivors.models import (
    Allocation,
    CaseState,
    ClosureOutcome,
    ContactLogEntry,
    Message,
    Referral,
    SafeContactWindow,
    Survivor,
)
from survivors.services import cases as cases_services
from survivors.services.lifecycle import case_state_change
from survivors.services.referrals import referral_record

STAFF = [
    # role, username, password, fixed TOTP key (hex, 20 bytes)
    (
        roles.WSS_WORKER,
        "wss.alex",
        "demo-wss-alex-pass",
        "3132333435363738393031323334353637383930",
    ),
    (roles.WSS_WORKER, "wss.bea", "demo-wss-bea-pass", "4142434445464748494a4b4c4d4e4f5051525354"),
    (
        roles.PROGRAMME_WORKER,
        "prog.sam",
        "demo-prog-sam-pass",
        "6162636465666768696a6b6c6d6e6f7071727374",
    ),
    (
        roles.COMMS_STAFF,
        "comms.kit",
        "demo-comms-kit-pass",
        "3a3b3c3d3e3f404142434445464748494a4b4c4d",
    ),
    (
        roles.SERVICE_MANAGER,
        "manager.lee",
        "demo-manager-lee-pass",
        "5a5b5c5d5e5f606162636465666768696a6b6c6d",
    ),
]
SURVIVORS = [
    # username, password, known as, participant reference, worker username, phone
    ("meadow", "demo-meadow-passphrase", "Jo", "P-1001", "wss.alex", "+447700900101"),
    ("willow", "demo-willow-passphrase", "Ria", "P-1001", "wss.bea", "+447700900102"),
    ("hazel", "demo-hazel-passphrase", "Ann", "P-1002", "wss.alex", "+447700900103"),
]


# A year of past cases with no sign-in, for the reports: (known as, worker,
# months ago she was closed, or None while her case is open). Eleven cases
# keep every month of the year at 5 or more women supported.
HISTORY = [
    ("Case A", "wss.alex", None),
    ("Case B", "wss.bea", None),
    ("Case C", "wss.alex", None),
    ("Case D", "wss.bea", None),
    ("Case E", "wss.alex", None),
    ("Case F", "wss.bea", None),
    ("Case G", "wss.alex", 2),
    ("Case H", "wss.bea", 4),
    ("Case I", "wss.alex", 6),
    ("Case J", "wss.bea", 8),
    ("Case K", "wss.alex", 10),
]
HISTORY_MONTHS = 12
GROUP_WEEKDAY = 1  # Tuesday, as the group's meeting details say
GROUP_STARTS = time(18, 30)


def accounts_table() -> str:
    """The demo accounts by role, and how to get a staff sign-in code."""
    lines = [
        "Demo accounts (staff sign in at /staff/login/, women at /):",
        f"  {'role':<18} {'username':<12} password",
    ]
    for role, username, password, _key in STAFF:
        lines.append(f"  {role:<18} {username:<12} {password}")
    for username, password, *_rest in SURVIVORS:
        lines.append(f"  {'Survivor':<18} {username:<12} {password}")
    lines.append(
        "  Staff sign-in code (TOTP), no phone needed: "
        ".venv/bin/python manage.py demo_code <username>"
    )
    return "\n".join(lines)


def _session_starts(today: date, weeks: int) -> datetime:
    """The group's Tuesday 18:30 (London time, whatever the clocks do),
    ``weeks`` from this week's Tuesday."""
    tuesday = today - timedelta(days=today.weekday() - GROUP_WEEKDAY) + timedelta(weeks=weeks)
    return datetime.combine(tuesday, GROUP_STARTS, tzinfo=ZoneInfo(settings.TIME_ZONE))


class Command(BaseCommand):
    help = "Create demo data and print every demo account (DEMO_DATA settings only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print accounts as JSON.")
        parser.add_argument(
            "--accounts", action="store_true", help="Only print the demo accounts; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA:
            raise CommandError(
                "seed_demo prints passwords, so it only runs where DEMO_DATA is on "
                "(the development settings that make run uses)."
            )
        if options["accounts"]:
            self.stdout.write(accounts_table())
            return
        # Information pages (SPEC 4) first: they make the programme's topics
        # that the group's sessions are given. Kept off stdout for pure JSON.
        call_command("seed_pages", stdout=self.stderr if options["json"] else self.stdout)
        accounts = self._seed()
        # The checklist's neutral placeholder questions, only where none are
        # loaded (the service loads its licensed wording instead; docs/using.md).
        from survivors.models import RiskQuestion

        if not RiskQuestion.objects.exists():
            call_command("loaddata", "risk_questions_placeholder", verbosity=0)
        if options["json"]:
            self.stdout.write(json.dumps(accounts, indent=2))
            return
        self.stdout.write(accounts_table())

    @transaction.atomic
    def _seed(self) -> list[dict[str, str | None]]:
        groups = roles.roles_ensure()
        accounts: list[dict[str, str | None]] = []
        staff: dict[str, User] = {}
        for role, username, password, key in STAFF:
            user, _ = User.objects.get_or_create(username=username, kind=User.Kind.STAFF)
            user.set_password(password)
            user.is_duty_worker = username == "wss.alex"
            user.save()
            user.groups.set([groups[role]])
            TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
            TOTPDevice.objects.get_or_create(
                user=user, key=key, defaults={"name": "Demo authenticator", "confirmed": True}
            )
            staff[username] = user
            accounts.append(
                {
                    "role": role,
                    "username": username,
                    "password": password,
                    "totp_key": base64.b32encode(bytes.fromhex(key)).decode("ascii"),
                }
            )
        manager = staff["manager.lee"]
        programme_worker = staff["prog.sam"]

        group, _ = ProgrammeGroup.objects.get_or_create(
            name="Tuesday evening group", defaults={"meeting_details": "Tuesdays 18:30–20:30"}
        )
        today = timezone.localdate()
        sessions = []
        topics = list(ProgrammeModule.objects.filter(locale=Locale.get_default()))
        for index, weeks in enumerate((-3, -2, -1, 1, 2)):
            session, _ = ProgrammeSession.objects.update_or_create(
                group=group,
                starts_at=_session_starts(today, weeks),
                defaults={
                    "location": "Room 2",
                    "module": topics[index % len(topics)] if topics else None,
                },
            )
            sessions.append(session)
        participants = {}
        for reference, status in (
            ("P-1001", ParticipantStatus.ATTENDING),
            ("P-1002", ParticipantStatus.ASSESSMENT),
        ):
            participant, created = Participant.objects.get_or_create(
                reference=reference, defaults={"group": group}
            )
            if created:
                records.status_change_record(
                    actor=programme_worker, participant=participant, status=status
                )
            participants[reference] = participant
        new_survivors: dict[str, Survivor] = {}  # by username: made on this run
        marks = [AttendanceMark.ATTENDED, AttendanceMark.LATE, AttendanceMark.MISSED]
        for session, mark in zip(sessions[:3], marks, strict=True):
            Attendance.objects.get_or_create(
                session=session,
                participant=participants["P-1001"],
                defaults={"mark": mark, "recorded_by": programme_worker},
            )

        for username, password, known_as, reference, worker, phone in SURVIVORS:
            user, _ = User.objects.get_or_create(username=username, kind=User.Kind.SURVIVOR)
            user.set_password(password)
            user.save()
            user.groups.clear()
            survivor = Survivor.objects.filter(user=user).first()
            if survivor is None:
                survivor = cases_services.survivor_create(actor=manager, known_as=known_as)
                survivor.user = user
                survivor.safe_phone = phone
                survivor.safe_phone_hash = phone_hash(phone)
                survivor.save()
                SafeContactWindow.objects.create(
                    survivor=survivor, weekday=1, starts_at=time(10), ends_at=time(12)
                )
                new_survivors[username] = survivor
            if survivor.worker_id != staff[worker].pk:
                cases_services.survivor_allocate(
                    actor=manager, survivor=survivor, worker=staff[worker]
                )
            if survivor.participant_id != participants[reference].pk:
                cases_services.survivor_link_participant(
                    actor=manager, survivor=survivor, participant=participants[reference]
                )
            accounts.append(
                {
                    "role": "Survivor",
                    "username": username,
                    "password": password,
                    "totp_key": None,
                }
            )
        meadow = new_survivors.get("meadow")
        if meadow is not None:
            meadow.refresh_from_db()  # allocated and linked since it was made
            _seed_her_casework(survivor=meadow, worker=staff["wss.alex"])
            # His programme worker records a concern: her worker is alerted.
            records.risk_concern_raise(
                actor=programme_worker,
                participant=participants["P-1001"],
                kind="threat",
                occurred_on=timezone.localdate() - timedelta(days=2),
                urgency="routine",
            )
        _seed_history(manager=manager, staff=staff)
        _seed_referrals(
            programme_worker=programme_worker,
            worker=staff["wss.bea"],
            participant=participants["P-1002"],
        )
        _seed_outcome_questions(manager=manager)
        return accounts


def _seed_referrals(*, programme_worker: User, worker: User, participant: Participant) -> None:
    """Two referrals waiting in the triage queue (SPEC 13): the partner P-1002
    named at his assessment, and one from the police. Made once."""
    if Referral.objects.exists():
        return
    partner_details_pass_on(
        actor=programme_worker,
        participant=participant,
        occasion="programme_intake",
        partners=[
            {
                "known_as": "Sam",
                "phone": "+447700900555",
                "relationship": "current",
                "safety_notes": "He checks her phone in the evenings.",
            }
        ],
    )
    referral_record(
        actor=worker,
        source="police",
        source_detail="PC Jones, reference 4471",
        known_as="Chris",
        phone="+447700900556",
        safe_days=[0, 2],
        safe_from=time(10),
        safe_to=time(14),
        voicemail_safe=False,
    )


def _last_tuesday_at_half_past_ten() -> datetime:
    """Inside the demo women's safe time (Tuesdays 10:00-12:00, UK time): a call
    before first contact outside it would be refused (SPEC 13)."""
    london = ZoneInfo("Europe/London")
    today = timezone.now().astimezone(london).date()
    tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    return datetime.combine(tuesday, time(10, 30), tzinfo=london)


def _seed_her_casework(*, survivor: Survivor, worker: User) -> None:
    """What the README shows of one woman's case: a message each way (the reply
    not yet read, so her home page says she has a new message), a contact in
    the log and a weekly check-in plan inside her safe time."""
    from checkins.services.checkins import checkin_plan_set
    from survivors.services.contact_log import contact_log_add
    from survivors.services.messages import message_send_from_survivor, message_send_from_worker

    message_send_from_survivor(survivor=survivor, body="Is Thursday still all right to talk?")
    message_send_from_worker(
        worker=worker, survivor=survivor, body="Yes, I will ring at 10:30 on Thursday."
    )
    contact_log_add(
        actor=worker,
        survivor=survivor,
        kind=ContactLogEntry.Kind.CALL,
        outcome=ContactLogEntry.Outcome.SPOKE,
        happened_at=_last_tuesday_at_half_past_ten(),
    )
    checkin_plan_set(
        actor=worker,
        survivor=survivor,
        frequency=CheckInPlan.Frequency.WEEKLY,
        weekdays=[1],
        send_at=time(10, 30),
    )


def _months_ago(now: datetime, months: int) -> datetime:
    """The 10th of the month ``months`` before ``now``'s, at 11:00 (a fixed,
    ordinary working time, so every run makes the same history)."""
    month_index = now.year * 12 + now.month - 1 - months
    year, month = divmod(month_index, 12)
    return datetime(year, month + 1, 10, 11, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _seed_history(*, manager: User, staff: dict[str, User]) -> None:
    """A year of casework behind the demo: cases referred a year ago, some
    closed since, each with a contact, a message each way and an answered
    check-in every month she was open. Made once (the first history case's
    sign-in name marks it), in bulk: well under a second."""
    if User.objects.filter(username="history.a", kind=User.Kind.SURVIVOR).exists():
        return
    now = timezone.now()
    start = _months_ago(now, HISTORY_MONTHS)
    contacts, messages, checkins = [], [], []
    for known_as, worker_name, closed_months_ago in HISTORY:
        worker = staff[worker_name]
        user = User.objects.create(
            username=f"history.{known_as[-1].lower()}", kind=User.Kind.SURVIVOR
        )
        user.set_unusable_password()
        user.save()
        survivor = cases_services.survivor_create(actor=manager, known_as=known_as)
        Survivor.objects.filter(pk=survivor.pk).update(user=user, referred_at=start)
        survivor.referred_at = start
        cases_services.survivor_allocate(actor=manager, survivor=survivor, worker=worker)
        Allocation.objects.filter(survivor=survivor).update(started_at=start)
        case_state_change(
            actor=worker,
            survivor=survivor,
            to_state=CaseState.FIRST_CONTACT,
            at=start + timedelta(days=2),
        )
        case_state_change(
            actor=worker, survivor=survivor, to_state=CaseState.ACTIVE, at=start + timedelta(days=3)
        )
        plan = CheckInPlan.objects.create(
            survivor=survivor,
            frequency=CheckInPlan.Frequency.WEEKLY,
            weekdays="2",
            send_at=time(11),
            paused=True,  # history only: nothing is sent from it
            starts_on=start.date(),
        )
        last = 0 if closed_months_ago is None else closed_months_ago
        for months in range(HISTORY_MONTHS - 1, last - 1, -1):
            at = _months_ago(now, months) + timedelta(days=1)
            if at > now:
                continue
            contacts.append(
                ContactLogEntry(
                    survivor=survivor,
                    worker=worker,
                    kind=ContactLogEntry.Kind.CALL,
                    outcome=ContactLogEntry.Outcome.SPOKE,
                    happened_at=at,
                )
            )
            messages += [
                Message(
                    survivor=survivor,
                    author=user,
                    from_survivor=True,
                    body="Could we talk on Thursday?",
                    created_at=at,
                    read_at=at,
                ),
                Message(
                    survivor=survivor,
                    author=worker,
                    from_survivor=False,
                    body="Yes, I will call at 11.",
                    created_at=at + timedelta(hours=1),
                    read_at=at + timedelta(hours=2),
                ),
            ]
            checkins.append(
                CheckIn(
                    plan=plan,
                    survivor=survivor,
                    due_at=at,
                    state=CheckIn.State.ANSWERED,
                    sent_at=at,
                    reply_by=at + timedelta(hours=24),
                    answered_at=at + timedelta(minutes=20),
                    reply=CheckIn.Reply.WELL,
                    created_at=at,
                )
            )
        if closed_months_ago is not None:
            closed_at = _months_ago(now, closed_months_ago) + timedelta(days=5)
            case_state_change(
                actor=worker,
                survivor=survivor,
                to_state=CaseState.CLOSED,
                outcome=ClosureOutcome.GOALS_MET,
                at=closed_at,
            )
            Allocation.objects.filter(survivor=survivor, ended_at__isnull=True).update(
                ended_at=closed_at
            )
    ContactLogEntry.objects.bulk_create(contacts)
    Message.objects.bulk_create(messages)
    CheckIn.objects.bulk_create(checkins)


# Outcomes, with her consent (SPEC 14): three neutral placeholder questions, in
# every language, each saying it is a placeholder the service replaces with its
# own licensed wording (on the manager's "Outcome questions" page).
_PLACEHOLDER_PREFIX = {
    "en-gb": "Placeholder question {n} (the service replaces it with its licensed wording): ",
    "cy": "Cwestiwn dros dro {n} (mae\u2019r gwasanaeth yn rhoi ei eiriad trwyddedig yn ei le): ",
    "pl": "Pytanie tymczasowe {n} (serwis zastąpi je swoją licencjonowaną treścią): ",
    "ur": "عارضی سوال {n} (سروس اسے اپنے لائسنس یافتہ الفاظ سے بدل دے گی): ",
}
_HOW_MUCH = {
    "en-gb": ["Not at all", "A little", "Somewhat", "Mostly", "Completely"],
    "cy": ["Ddim o gwbl", "Ychydig", "I ryw raddau", "Gan amlaf", "Yn llwyr"],
    "pl": ["Wcale", "Trochę", "Umiarkowanie", "Przeważnie", "Całkowicie"],
    "ur": ["بالکل نہیں", "تھوڑا سا", "کسی حد تک", "زیادہ تر", "مکمل طور پر"],
}
_HOW_OFTEN = {
    "en-gb": ["Never", "Rarely", "Sometimes", "Often", "All the time"],
    "cy": ["Byth", "Yn anaml", "Weithiau", "Yn aml", "Drwy\u2019r amser"],
    "pl": ["Nigdy", "Rzadko", "Czasami", "Często", "Cały czas"],
    "ur": ["کبھی نہیں", "شاذ و نادر", "کبھی کبھی", "اکثر", "ہر وقت"],
}
PLACEHOLDER_OUTCOME_QUESTIONS: list[tuple[dict[str, str], dict[str, list[str]], bool]] = [
    (
        {
            "en-gb": "how safe do you feel at the moment?",
            "cy": "pa mor ddiogel ydych chi\u2019n teimlo ar hyn o bryd?",
            "pl": "jak bezpiecznie czujesz się w tej chwili?",
            "ur": "آپ اس وقت خود کو کتنا محفوظ محسوس کرتی ہیں؟",
        },
        _HOW_MUCH,
        True,
    ),
    (
        {
            "en-gb": "how often in the last month have you felt afraid?",
            "cy": "pa mor aml yn ystod y mis diwethaf ydych chi wedi teimlo ofn?",
            "pl": "jak często w ostatnim miesiącu czułaś strach?",
            "ur": "پچھلے مہینے میں آپ نے کتنی بار خوف محسوس کیا؟",
        },
        _HOW_OFTEN,
        False,
    ),
    (
        {
            "en-gb": "how confident do you feel about the months ahead?",
            "cy": "pa mor hyderus ydych chi\u2019n teimlo am y misoedd nesaf?",
            "pl": "jak pewnie czujesz się, myśląc o najbliższych miesiącach?",
            "ur": "آنے والے مہینوں کے بارے میں آپ کتنا پُراعتماد محسوس کرتی ہیں؟",
        },
        _HOW_MUCH,
        True,
    ),
]


def _seed_outcome_questions(*, manager: User) -> None:
    """The placeholder outcome questions, made once (none yet)."""
    from survivors.models import OutcomeQuestion
    from survivors.services.outcome_questions import QuestionWording, outcome_question_create

    if OutcomeQuestion.objects.exists():
        return
    for number, (text, labels, higher_is_better) in enumerate(PLACEHOLDER_OUTCOME_QUESTIONS, 1):
        outcome_question_create(
            actor=manager,
            wording=QuestionWording(
                text={
                    code: _PLACEHOLDER_PREFIX[code].format(n=number) + wording
                    for code, wording in text.items()
                },
                scale_points=5,
                scale_labels=labels,
                higher_is_better=higher_is_better,
                position=number * 10,
                active=True,
            ),
        )
