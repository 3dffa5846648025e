"""Reads for the survivor portal: only her own record, only his status.

A survivor reaches data through her own account (``Survivor.user``) and never
by an id in a URL, so one survivor cannot name another's objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from contacts.models import User
from programme.models import (
    Attendance,
    ParticipantStatus,
    ProgrammeModule,
    ProgrammeSession,
)
from programme.selectors.records import NOT_STARTED
from survivors.models import CheckPoint, Message, SafeContactWindow, Survivor

# Only while he is attending is he expected at the group's next session; after
# a suspension, a drop-out, the end of the course or a breach he is not, and
# before he starts (referred, assessment) no session is his yet.
EXPECTED_AT_SESSIONS = (ParticipantStatus.ATTENDING,)


def portal_survivor(*, user: User) -> Survivor | None:
    return Survivor.objects.filter(user=user).first() if user.is_authenticated else None


@dataclass(frozen=True)
class NextSession:
    starts_at: datetime


@dataclass(frozen=True)
class HisStatus:
    """His row as her status page shows it (the attributes the template reads),
    and nothing else of his."""

    status: str
    status_changed_at: datetime
    status_reason: str
    group_id: int | None


# His last marks on her status page (SPEC 4: "recent attendance").
RECENT_SESSIONS = 8
# The columns her page shows of comms staff's content, and of the linked page
# what its live address needs (not its body).
SHOWN_OF_EXPLANATION = (
    "heading",
    "text",
    "locale__language_code",
    "more_page__live",
    "more_page__url_path",
)
SHOWN_OF_TOPIC = ("name", "summary", "locale__language_code", "page__live", "page__url_path")


def _in_her_language(rows: list[Any], language: str) -> Any:
    """Of one text's translations (each with its ``locale``), the one in her
    language, else the default language's, else the first (SPEC 11)."""
    rank = {language: 0, settings.LANGUAGE_CODE: 1}
    return min(rows, key=lambda row: rank.get(row.locale.language_code, 2), default=None)


def _unread_replies() -> Coalesce:
    """How many of her worker's messages she has not read yet (her thread
    marks them read when she opens it), as a column of her record."""
    return Coalesce(
        Subquery(
            Message.objects.filter(
                survivor=OuterRef("pk"),
                from_survivor=False,
                read_at__isnull=True,
                hidden_for_survivor=False,
            )
            .order_by()
            .values("survivor")
            .annotate(unread=Count("pk"))
            .values("unread"),
            output_field=IntegerField(),
        ),
        0,
    )


def portal_home(*, user: User, duress: bool = False) -> dict[str, Any]:
    """Her status page (SPEC 4): how many of her worker's messages are new to
    her (``new_messages``), his status with what it can mean for her, his last
    ``RECENT_SESSIONS`` marks (``(starts_at, mark)`` pairs, newest first, for
    sessions that have started; none before he starts, SPEC 6), the next
    session if he is expected at it, and what the group covers there
    (``next_topic``: name, summary, page address). Under duress: an ordinary,
    empty-looking account (no query, no new messages).

    A fixed number of queries however long his history is: her record with
    his, her new-message count and whether questions wait for her, his recent marks, and (when he is
    attending) the next session with its topic's translations, and the status
    explanation's translations."""
    from cms.explanations import explanation_rendered, topic_shown
    from cms.models import StatusExplanation

    empty: dict[str, Any] = {
        "participant": None,
        "attendance": [],
        "next_session": None,
        "next_topic": None,
        "explanation": None,
        "new_messages": 0,
        "questions_waiting": False,
    }
    if duress or not user.is_authenticated:
        return empty
    survivor = (
        Survivor.objects.select_related("participant")
        .only(
            "participant__status",
            "participant__status_changed_at",
            "participant__status_reason",
            "participant__group_id",
        )
        .filter(user=user)
        .annotate(new_messages=_unread_replies(), questions_waiting=_questions_waiting())
        .first()
    )
    if survivor is None:
        return empty
    if survivor.participant is None:  # not linked to anyone
        return {
            **empty,
            "new_messages": survivor.new_messages,
            "questions_waiting": survivor.questions_waiting,
        }
    his = survivor.participant
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    languages = {language, settings.LANGUAGE_CODE}
    # A mark for a session that has not started is a mistake: never shown.
    # Before he starts, no mark is shown beside "he has not started" (a mark
    # saying he was there records his start, SPEC 6).
    attendance = (
        []
        if his.status in NOT_STARTED
        else list(
            Attendance.objects.filter(participant=his, session__starts_at__lte=now)
            .order_by("-session__starts_at")
            .values_list("session__starts_at", "mark")[:RECENT_SESSIONS]
        )
    )
    next_session = next_topic = None
    if his.group_id is not None and his.status in EXPECTED_AT_SESSIONS:
        upcoming = (
            ProgrammeSession.objects.filter(group_id=his.group_id, starts_at__gte=now)
            .select_related("module")
            .only("starts_at", "module__translation_key")
            .order_by("starts_at")
            .first()
        )
        if upcoming is not None:
            next_session = NextSession(starts_at=upcoming.starts_at)
            if upcoming.module is not None:
                # What the group covers at that session (SPEC 10), in her language.
                topic = _in_her_language(
                    list(
                        ProgrammeModule.objects.filter(
                            translation_key=upcoming.module.translation_key
                        )
                        .select_related("locale", "page")
                        .only(*SHOWN_OF_TOPIC)
                    ),
                    language,
                )
                next_topic = topic_shown(name=topic.name, summary=topic.summary, page=topic.page)
    explanation = _in_her_language(
        list(
            StatusExplanation.objects.filter(status=his.status, locale__language_code__in=languages)
            .select_related("locale", "more_page")
            .only(*SHOWN_OF_EXPLANATION)
        ),
        language,
    )
    return {
        "participant": HisStatus(
            status=his.status,
            status_changed_at=his.status_changed_at,
            status_reason=his.status_reason or "",
            group_id=his.group_id,
        ),
        "attendance": attendance,
        "next_session": next_session,
        "next_topic": next_topic,
        "explanation": explanation and explanation_rendered(explanation, language=language),
        "new_messages": survivor.new_messages,
        "questions_waiting": survivor.questions_waiting,
    }


def _questions_waiting() -> Exists:
    """Whether her status page shows the neutral link to her outcome questions
    (SPEC 14): a check-point is due, she agreed and chose invitations in her
    portal, and her case is not restricted. Part of her record's one query."""
    return Exists(
        CheckPoint.objects.filter(
            survivor=OuterRef("pk"),
            survivor__outcomes_in_portal=True,
            survivor__outcomes_consent_at__isnull=False,
            survivor__restricted_at__isnull=True,
            state=CheckPoint.State.DUE,
            due_at__lte=timezone.now(),
        )
    )


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

    from survivors.models import ActivationCode

    now = timezone.now()
    username = survivor.user.username if survivor.user is not None else ""
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
