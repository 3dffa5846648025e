"""Her subject access request (SPEC 12), read: everything the Women's Support
Service (WSS) side holds about her, section by section, as plain data (the
export's JSON, and its HTML rendered from the same), and the requests' lists.

Every section is read from her rows only (``survivor=her``), so no other
survivor can appear. Staff appear by role unless the manager chose names
(``StaffLabels``). Never in it: passphrase hashes, the programme's own
records about him, anything from the programme her worker has not shared."""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Value, When

from contacts.models import User
from survivors.models import (
    Alert,
    ContactLogEntry,
    Disclosure,
    MaracReferral,
    MaracTask,
    Message,
    PlanVersion,
    ProgrammeItem,
    Referral,
    RiskAssessment,
    SafeContactWindow,
    SessionInvitation,
    SubjectAccessRequest,
    Survivor,
)
from survivors.selectors.access_log import case_reads, staff_role
from survivors.selectors.plan import PLAN_HEADINGS

# Reaching the duty view this many days before the one-month deadline.
DUE_SOON_DAYS = 7


def one_month_after(day: date) -> date:
    """The same day of the next calendar month; the month's last day where
    there is no such day (31 January -> 28 or 29 February), as the ICO counts."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class StaffLabels:
    """How a staff member appears in her export: by role ("WSS worker"), or by
    name where the manager chose names. One query per person, cached."""

    def __init__(self, *, names: bool) -> None:
        self.names = names
        self._labels: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self._labels:
            user = User.objects.prefetch_related("groups").filter(pk=user_id).first()
            role = staff_role(user)
            if self.names and user is not None:
                self._labels[user_id] = f"{user.get_full_name() or user.username} ({role})"
            else:
                self._labels[user_id] = role
        return self._labels[user_id]


Section = Callable[[Survivor, StaffLabels], Any]


def case_section(survivor: Survivor, staff: StaffLabels) -> dict[str, Any]:
    return {
        "case": survivor.pk,
        "known_as": survivor.known_as,
        "stage": survivor.get_case_state_display(),
        "referred_at": survivor.referred_at,
        "first_contact_at": survivor.first_contact_at,
        "closed_at": survivor.closed_at,
        "closure_outcome": survivor.get_closure_outcome_display(),
        "worker": staff(survivor.worker_id),
        "allocated_at": survivor.allocated_at,
        "restricted_at": survivor.restricted_at,
        "restriction_reason": survivor.restriction_reason,
        "legal_hold_at": survivor.legal_hold_at,
        "legal_hold_reason": survivor.legal_hold_reason,
    }


def account_section(survivor: Survivor, staff: StaffLabels) -> dict[str, Any] | None:
    """Her portal account: never her passphrases or their hashes."""
    user = survivor.user
    if user is None:
        return None
    return {
        "username": user.username,
        "language": survivor.language,
        "created_at": user.date_joined,
        "last_sign_in": user.last_login,
        "second_passphrase_set": bool(survivor.duress_passphrase),
    }


def safe_contact_section(survivor: Survivor, staff: StaffLabels) -> dict[str, Any]:
    windows = SafeContactWindow.objects.filter(survivor=survivor)
    return {
        "safe_phone": survivor.safe_phone,
        "voicemail_safe": survivor.voicemail_safe,
        "code_word": survivor.code_word,
        "notes": survivor.safe_contact_notes,
        "contact_paused": survivor.contact_paused,
        "text_on_new_message": survivor.sms_nudges,
        "needs_interpreter": survivor.needs_interpreter,
        "time_zone": survivor.time_zone,
        "windows": [
            {
                "day": str(window.get_weekday_display()),
                "from": window.starts_at,
                "to": window.ends_at,
            }
            for window in windows
        ],
    }


def messages_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    return [
        {
            "at": message.created_at,
            "from_her": message.from_survivor,
            "from": "" if message.from_survivor else staff(message.author_id),
            "body": message.body,
            "sent_from_second_sign_in": message.sent_under_duress,
        }
        for message in Message.objects.filter(survivor=survivor).order_by("created_at", "id")
    ]


def plan_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    """Every version of her plan, oldest first, each heading with its text."""
    versions = []
    for version in PlanVersion.objects.filter(survivor=survivor).order_by("created_at", "id"):
        saved = json.loads(version.steps) if version.steps else {}
        author = version.author_id
        versions.append(
            {
                "at": version.created_at,
                "by_her": survivor.user_id is not None and author == survivor.user_id,
                "by": "" if author == survivor.user_id else staff(author),
                "steps": [
                    {"heading": str(heading), "text": str(saved.get(key, ""))}
                    for key, heading in PLAN_HEADINGS
                ],
                "saved_from_second_sign_in": version.under_duress,
            }
        )
    return versions


def checklists_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    assessments = (
        RiskAssessment.objects.filter(survivor=survivor)
        .prefetch_related("answers__question")
        .order_by("assessed_at", "id")
    )
    return [
        {
            "at": assessment.assessed_at,
            "by": staff(assessment.assessed_by_id),
            "score": assessment.score,
            "level": assessment.get_level_display(),
            "judgement_reason": assessment.judgement_reason,
            "answers": [
                {
                    "question": answer.question.text,
                    "answer": answer.get_answer_display(),
                    "note": answer.note,
                }
                for answer in assessment.answers.all()
            ],
        }
        for assessment in assessments
    ]


def referrals_section(survivor: Survivor, staff: StaffLabels) -> dict[str, Any]:
    tasks = MaracTask.objects.filter(survivor=survivor).order_by("created_at", "id")
    referrals = MaracReferral.objects.filter(survivor=survivor).order_by("referred_at", "id")
    return {
        "tasks": [
            {
                "at": task.created_at,
                "criteria": task.criteria_labels,
                "evidence": task.evidence_lines,
                "closed_at": task.closed_at,
                "outcome": task.get_outcome_display(),
                "reason": task.close_reason,
            }
            for task in tasks
        ],
        "referrals": [
            {
                "at": referral.referred_at,
                "by": staff(referral.referred_by_id),
                "repeat": referral.repeat,
            }
            for referral in referrals
        ],
    }


def referrals_received_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    """Each referral that brought her to the service or joined her case (SPEC
    13): where it came from, when, what triage did, and her own details as they
    were given. Never the man it named (his reference), the referrer's own
    name and reference, or the referrer's safety notes or the triage note,
    which may name or identify someone else."""
    referrals = Referral.objects.filter(survivor=survivor).order_by("received_at", "id")
    return [
        {
            "received_at": referral.received_at,
            "source": referral.get_source_display(),
            "relationship": referral.get_relationship_display(),
            "state": referral.get_state_display(),
            "decided_at": referral.decided_at,
            "decided_by": staff(referral.decided_by_id),
            "known_as": referral.known_as,
            "phone": referral.phone,
            "safe_days": [
                str(SafeContactWindow.Weekday(int(day)).label)
                for day in referral.safe_days.split(",")
                if day.strip().isdigit() and int(day) in SafeContactWindow.Weekday.values
            ],
            "safe_from": referral.safe_from,
            "safe_to": referral.safe_to,
            "voicemail_safe": referral.voicemail_safe,
        }
        for referral in referrals
    ]


def disclosures_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    return [
        {
            "at": disclosure.disclosed_at,
            "by": staff(disclosure.worker_id),
            "agency": disclosure.agency,
            "basis": disclosure.get_basis_display(),
            "details": disclosure.details,
        }
        for disclosure in Disclosure.objects.filter(survivor=survivor).order_by(
            "disclosed_at", "id"
        )
    ]


def contact_log_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.happened_at,
            "by": staff(entry.worker_id),
            "kind": entry.get_kind_display(),
            "outcome": entry.get_outcome_display(),
            "note": entry.note,
        }
        for entry in ContactLogEntry.objects.filter(survivor=survivor).order_by("happened_at", "id")
    ]


def alerts_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    return [
        {
            "at": alert.created_at,
            "kind": alert.get_kind_display(),
            "urgent": alert.urgent,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": staff(alert.acknowledged_by_id),
            "note": alert.acknowledgement_note,
        }
        for alert in Alert.objects.filter(survivor=survivor).order_by("created_at", "id")
    ]


def invitations_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    return [
        {
            "session_at": invitation.session.starts_at,
            "place": invitation.session.place,
            "invited_at": invitation.invited_at,
            "answer": invitation.get_answer_display(),
            "answered_at": invitation.answered_at,
        }
        for invitation in SessionInvitation.objects.filter(survivor=survivor)
        .select_related("session")
        .order_by("invited_at", "id")
    ]


def programme_items_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    """Only what her worker already shared with her (by phone or in the portal),
    in the words she shared: never the programme's entry itself."""
    items = ProgrammeItem.objects.filter(survivor=survivor).exclude(
        shared_on__isnull=True, portal_shared_at__isnull=True
    )
    return [
        {
            "shared_on": item.shared_on,
            "shared_by": staff(item.shared_by_id),
            "shared_note": item.shared_note,
            "shown_in_portal_at": item.portal_shared_at,
            "shown_text": item.portal_text,
            "shown_note": item.portal_note,
        }
        for item in items.order_by("received_at", "id")
    ]


def record_reads_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    """Who read her record (the audit log): by role unless names were chosen."""
    return [
        {
            "at": read.at,
            "by": staff(read.actor_id),
            "what": read.action_label,
        }
        for read in case_reads(survivor_id=survivor.pk)
    ]


def outcomes_section(survivor: Survivor, staff: StaffLabels) -> list[dict[str, Any]]:
    """Outcomes recorded with her consent (SPEC 14): none are recorded yet."""
    return []


# The export's sections in order, by key (the JSON's keys, the HTML's order).
# ``check_ins`` comes from the check-ins app, which this one may not import.
SECTIONS: tuple[tuple[str, Section], ...] = (
    ("case", case_section),
    ("account", account_section),
    ("safe_contact", safe_contact_section),
    ("messages", messages_section),
    ("plan_versions", plan_section),
    ("risk_checklists", checklists_section),
    ("referrals_received", referrals_received_section),
    ("referrals", referrals_section),
    ("disclosures", disclosures_section),
    ("contact_log", contact_log_section),
    ("alerts", alerts_section),
    ("invitations", invitations_section),
    ("shared_updates", programme_items_section),
    ("outcomes", outcomes_section),
    ("record_reads", record_reads_section),
)


# --- The requests ---------------------------------------------------------------------


def requests_for_case(*, survivor: Survivor) -> list[SubjectAccessRequest]:
    return list(
        SubjectAccessRequest.objects.filter(survivor=survivor).select_related("recorded_by")
    )


def request_in_progress(*, survivor: Survivor) -> bool:
    return SubjectAccessRequest.objects.filter(
        survivor=survivor,
        state__in=(SubjectAccessRequest.State.WAITING, SubjectAccessRequest.State.BUILDING),
    ).exists()


def request_by_id(*, request_id: int) -> SubjectAccessRequest | None:
    return (
        SubjectAccessRequest.objects.select_related("survivor", "recorded_by")
        .filter(pk=request_id)
        .first()
    )


def requests_for_manager(*, limit: int = 500) -> list[SubjectAccessRequest]:
    """Every request: those not yet answered (never downloaded) first, soonest
    deadline first; then the answered ones."""
    unanswered_first = Case(When(downloads=0, then=Value(0)), default=Value(1))
    return list(
        SubjectAccessRequest.objects.select_related("recorded_by").order_by(
            unanswered_first, "due_on", "id"
        )[:limit]
    )


def requests_due(*, today: date) -> list[SubjectAccessRequest]:
    """Requests not yet answered (their export never downloaded) from a week
    before their one-month deadline: the duty view lists them."""
    return list(
        SubjectAccessRequest.objects.filter(
            downloads=0, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
        ).order_by("due_on", "id")
    )
