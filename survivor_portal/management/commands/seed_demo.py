"""Demo data for a person trying the service: one account per role, a group
with sessions, two participants and three survivors. Idempotent. Refuses to
run unless the DEMO_DATA setting is on (the development settings `make run`
uses; never production), because it prints passwords."""

from __future__ import annotations

import base64
import json
from datetime import time, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale

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
from survivors.models import SafeContactWindow, Survivor
from survivors.services import cases as cases_services

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


class Command(BaseCommand):
    help = "Create demo data and print every demo account (DEMO_DATA settings only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print accounts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA:
            raise CommandError(
                "seed_demo prints passwords, so it only runs where DEMO_DATA is on "
                "(the development settings that make run uses)."
            )
        accounts = self._seed()
        # The checklist's neutral placeholder questions, only where none are
        # loaded (the service loads its licensed wording instead; README).
        from survivors.models import RiskQuestion

        if not RiskQuestion.objects.exists():
            call_command("loaddata", "risk_questions_placeholder", verbosity=0)
        # Information pages (issue 3); kept off stdout when it must be pure JSON.
        call_command("seed_pages", stdout=self.stderr if options["json"] else self.stdout)
        if options["json"]:
            self.stdout.write(json.dumps(accounts, indent=2))
            return
        self.stdout.write("Demo accounts (staff sign in at /staff/login/, others at /):")
        for account in accounts:
            line = f"  {account['role']:<18} {account['username']:<12} {account['password']}"
            if account["totp_key"]:
                line += f"  TOTP key {account['totp_key']}"
            self.stdout.write(line)

    @transaction.atomic
    def _seed(self) -> list[dict[str, str | None]]:
        groups = roles.roles_ensure()
        accounts: list[dict[str, str | None]] = []
        staff: dict[str, User] = {}
        for role, username, password, key in STAFF:
            user, _ = User.objects.get_or_create(username=username, defaults={"kind": "staff"})
            user.kind = User.Kind.STAFF
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
        today = timezone.localtime().replace(hour=18, minute=30, second=0, microsecond=0)
        sessions = []
        topics = list(ProgrammeModule.objects.filter(locale=Locale.get_default()))
        for index, weeks in enumerate((-3, -2, -1, 1, 2)):
            session, _ = ProgrammeSession.objects.get_or_create(
                group=group,
                starts_at=today + timedelta(weeks=weeks),
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
        marks = [AttendanceMark.ATTENDED, AttendanceMark.LATE, AttendanceMark.MISSED]
        for session, mark in zip(sessions[:3], marks, strict=True):
            Attendance.objects.get_or_create(
                session=session,
                participant=participants["P-1001"],
                defaults={"mark": mark, "recorded_by": programme_worker},
            )

        for username, password, known_as, reference, worker, phone in SURVIVORS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"kind": User.Kind.SURVIVOR}
            )
            user.kind = User.Kind.SURVIVOR
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
        return accounts
