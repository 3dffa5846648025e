"""Reads for the survivor portal: only her own record, only his status.

A survivor reaches data through her own account (``Survivor.user``) and never
by an id in a URL, so one survivor cannot name another's objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Case, OuterRef, Subquery, When
from django.utils import timezone, translation

from ..models import (
    Attendance,
    ParticipantStatus,
    ProgrammeSession,
    SafeContactWindow,
    Survivor,
    User,
)

# Only while he is attending is he expected at the group's next session; after
# a suspension, a drop-out, the end of the course or a breach he is not, and
# before he starts (referred, assessment) no session is his yet.
EXPECTED_AT_SESSIONS = (ParticipantStatus.ATTENDING,)


def portal_survivor(*, user: User) -> Survivor | None:
    return Survivor.objects.filter(user=user).first() if user.is_authenticated else None


@dataclass(frozen=True)
class NextSession:
    starts_at: datetime


def portal_home(*, user: User, duress: bool = False) -> dict[str, Any]:
    """Her home page: his status (with its explanation), his last 8 sessions
    (``(starts_at, mark)`` pairs, newest first) and the next one. Under duress:
    an ordinary, empty-looking account.

    Two queries (issue 13): her record joined to his, with the next session's
    start and the current status explanation as subqueries; then his last 8
    sessions. The explanation is read fresh every time (a newly published text
    shows at once, in every process); only its rendering is cached, by content
    (``cms.explanations``)."""
    from cms.explanations import explanation_rendered
    from cms.models import StatusExplanation

    empty: dict[str, Any] = {
        "participant": None,
        "attendance": [],
        "next_session": None,
        "explanation": None,
    }
    if duress:
        return empty
    # In her language where comms staff have translated it, else the default's.
    language = translation.get_language() or settings.LANGUAGE_CODE
    explanation = StatusExplanation.objects.filter(
        status=OuterRef("participant__status"),
        locale__language_code__in={language, settings.LANGUAGE_CODE},
    ).order_by(Case(When(locale__language_code=language, then=0), default=1))
    next_start = (
        ProgrammeSession.objects.filter(
            group_id=OuterRef("participant__group_id"), starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    survivor = (
        Survivor.objects.select_related("participant")
        .filter(user=user)
        .only("pk", "user_id", "participant")
        .annotate(
            next_session_at=Subquery(next_start),
            explanation_heading=Subquery(explanation.values("heading")[:1]),
            explanation_text=Subquery(explanation.values("text")[:1]),
            explanation_more_page=Subquery(explanation.values("more_page_id")[:1]),
        )
    ).first()
    participant = survivor.participant if survivor is not None else None
    if participant is None:
        return empty
    now = timezone.now()
    # A mark for a session that has not started is a mistake: never shown.
    attendance = list(
        Attendance.objects.filter(participant_id=participant.pk, session__starts_at__lte=now)
        .order_by("-session__starts_at")
        .values_list("session__starts_at", "mark")[:8]
    )
    next_session = None
    if (
        participant.group_id is not None
        and participant.status in EXPECTED_AT_SESSIONS
        and survivor.next_session_at is not None
    ):
        next_session = NextSession(starts_at=survivor.next_session_at)
    explanation_shown = None
    if survivor.explanation_heading is not None:
        explanation_shown = explanation_rendered(
            heading=survivor.explanation_heading,
            text=survivor.explanation_text,
            more_page_id=survivor.explanation_more_page,
        )
    return {
        "participant": participant,
        "attendance": attendance,
        "next_session": next_session,
        "explanation": explanation_shown,
    }


def safe_contact_for_survivor(*, survivor: Survivor) -> dict[str, Any]:
    """Her current safe-contact settings, as the settings form shows them."""
    windows = list(SafeContactWindow.objects.filter(survivor=survivor))
    return {
        "safe_phone": survivor.safe_phone,
        "voicemail_safe": survivor.voicemail_safe,
        "code_word": survivor.code_word,
        "sms_nudges": survivor.sms_nudges,
        "contact_paused": survivor.contact_paused,
        "has_second_passphrase": bool(survivor.duress_passphrase),
        "windows": windows,
    }


def portal_account_state(*, survivor: Survivor) -> dict[str, Any]:
    """For her worker's screen: has she set up her account, is she locked out
    of signing in (on any address), and is an activation code waiting."""
    from axes.models import AccessAttempt
    from django.conf import settings

    from ..models import ActivationCode

    now = timezone.now()
    username = survivor.user.username if survivor.user_id else ""
    locked = bool(username) and (
        AccessAttempt.objects.filter(
            username=username,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
        ).exists()
    )
    code = (
        ActivationCode.objects.filter(survivor=survivor, used_at__isnull=True, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )
    return {
        "has_account": bool(username),
        "username": username,
        "locked_out": locked,
        "code_expires_at": code.expires_at if code else None,
    }
