"""Reads for the survivor portal: only her own record, only his status.

A survivor reaches data through her own account (``Survivor.user``) and never
by an id in a URL, so one survivor cannot name another's objects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from contacts.db import prepared_cursor
from contacts.models import User
from programme.models import (
    Attendance,
    Participant,
    ParticipantStatus,
    ProgrammeModule,
    ProgrammeSession,
)
from survivors.models import SafeContactWindow, Survivor

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
    """His row as her status page shows it (the attributes the template reads)."""

    status: str
    status_changed_at: datetime
    status_reason: str
    group_id: int | None


# Her status page in ONE statement (issue 13): her record joined to his, the
# next session's start and topic, and the current status explanation (first row), then
# his last 8 marks for sessions that have started (one row each). Raw SQL,
# written once from the models' own table and column names: building and
# compiling the equivalent ORM queries cost a third of the page's time.
RECENT_SESSIONS = 8


@cache
def _home_sql() -> str:
    from wagtail.models import Locale

    from cms.models import StatusExplanation

    def t(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def c(model: Any, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    sv, pt, ps, at, ex = Survivor, Participant, ProgrammeSession, Attendance, StatusExplanation
    lo, md = Locale, ProgrammeModule
    # Only quoted table and column names from the models go into the text;
    # every value is a query parameter.
    return (
        f"SELECT 0, s.{c(sv, 'id')}, p.{c(pt, 'status')},"  # noqa: S608 - names from the models
        f" p.{c(pt, 'status_changed_at')},"
        f" p.{c(pt, 'status_reason')}, p.{c(pt, 'group')},"
        f" (SELECT MIN(n.{c(ps, 'starts_at')}) FROM {t(ps)} n"
        f"  WHERE n.{c(ps, 'group')} = p.{c(pt, 'group')} AND n.{c(ps, 'starts_at')} >= %s),"
        f" e.{c(ex, 'heading')}, e.{c(ex, 'text')}, e.{c(ex, 'more_page')},"
        f" m.{c(md, 'name')}, m.{c(md, 'summary')}, m.{c(md, 'page')}"
        f" FROM {t(sv)} s"
        f" LEFT JOIN {t(pt)} p ON p.{c(pt, 'id')} = s.{c(sv, 'participant')}"
        # The explanation in her language where comms staff have translated
        # it, else the default language's (SPEC 11).
        f" LEFT JOIN {t(ex)} e ON e.{c(ex, 'id')} = (SELECT e2.{c(ex, 'id')} FROM {t(ex)} e2"
        f"  JOIN {t(lo)} l ON l.{c(lo, 'id')} = e2.{c(ex, 'locale')}"
        f"  WHERE e2.{c(ex, 'status')} = p.{c(pt, 'status')}"
        f"  AND l.{c(lo, 'language_code')} IN (%s, %s)"
        f"  ORDER BY CASE WHEN l.{c(lo, 'language_code')} = %s THEN 0 ELSE 1 END"
        "  LIMIT 1)"
        # What the group covers at that next session (SPEC 10): the topic the
        # session names, in her language where comms staff have translated it,
        # else the default language's, else as written.
        f" LEFT JOIN {t(md)} m ON m.{c(md, 'id')} = (SELECT m2.{c(md, 'id')} FROM {t(md)} m2"
        f"  JOIN {t(lo)} l2 ON l2.{c(lo, 'id')} = m2.{c(md, 'locale')}"
        f"  WHERE m2.{c(md, 'translation_key')} = (SELECT m0.{c(md, 'translation_key')}"
        f"   FROM {t(md)} m0 WHERE m0.{c(md, 'id')} = (SELECT n2.{c(ps, 'module')} FROM {t(ps)} n2"
        f"    WHERE n2.{c(ps, 'group')} = p.{c(pt, 'group')} AND n2.{c(ps, 'starts_at')} >= %s"
        f"    ORDER BY n2.{c(ps, 'starts_at')} LIMIT 1))"
        f"  ORDER BY CASE WHEN l2.{c(lo, 'language_code')} = %s THEN 0"
        f"   WHEN l2.{c(lo, 'language_code')} = %s THEN 1 ELSE 2 END"
        "  LIMIT 1)"
        f" WHERE s.{c(sv, 'user')} = %s"
        " UNION ALL"
        " SELECT 1, NULL, recent.mark, recent.starts_at,"
        " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
        " FROM ("
        f"  SELECT a.{c(at, 'mark')} AS mark, r.{c(ps, 'starts_at')} AS starts_at"
        f"  FROM {t(at)} a JOIN {t(ps)} r ON r.{c(ps, 'id')} = a.{c(at, 'session')}"
        f"  WHERE a.{c(at, 'participant')} = (SELECT s2.{c(sv, 'participant')}"
        f"   FROM {t(sv)} s2 WHERE s2.{c(sv, 'user')} = %s)"
        f"  AND r.{c(ps, 'starts_at')} <= %s"
        f"  ORDER BY r.{c(ps, 'starts_at')} DESC LIMIT {RECENT_SESSIONS}"
        " ) recent"
    )


def _when(value: Any) -> datetime | None:
    """A datetime column from raw SQL: PostgreSQL gives an aware datetime,
    SQLite the stored text (UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def portal_home(*, user: User, duress: bool = False) -> dict[str, Any]:
    """Her home page: his status (with its explanation), his last 8 sessions
    (``(starts_at, mark)`` pairs, newest first), the next one and what the group
    covers at it (``next_topic``: name, summary, page address). Under duress:
    an ordinary, empty-looking account (no query at all).

    One query (issue 13, ``_home_sql``). ``version`` is a digest of every row
    the page is made from, derived here, on her side, at read time: whatever
    changes on the programme side (a mark, a status change, a session moved, a
    new explanation) changes what this query returns and so the version, and
    nothing on the programme side ever needs to know a cache exists (SPEC 2).
    The explanation's text is read fresh every time; only its rendering is
    cached, by content (``cms.explanations``)."""
    from cms.explanations import explanation_rendered, topic_shown

    empty: dict[str, Any] = {
        "participant": None,
        "attendance": [],
        "next_session": None,
        "next_topic": None,
        "explanation": None,
        "version": "",
    }
    if duress or not user.is_authenticated:
        return empty
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    # Planned once per connection on PostgreSQL (planning cost more than running).
    with prepared_cursor() as cursor:
        language = translation.get_language() or settings.LANGUAGE_CODE
        cursor.execute(
            _home_sql(),
            [
                *(at, language, settings.LANGUAGE_CODE, language),
                *(at, language, settings.LANGUAGE_CODE),
                *(user.pk, user.pk, at),
            ],
        )
        rows = cursor.fetchall()
    head = next((row for row in rows if row[0] == 0), None)
    if head is None or head[2] is None:  # no record, or not linked to anyone
        return empty
    (_, survivor_id, status, changed_at, reason, group_id, next_at, heading, text, more) = head[:10]
    topic_name, topic_summary, topic_page = head[10:]
    # A mark for a session that has not started is a mistake: never shown.
    attendance = sorted(
        ((_when(row[3]), row[2]) for row in rows if row[0] == 1),
        key=lambda pair: pair[0],
        reverse=True,
    )
    participant = HisStatus(
        status=status,
        status_changed_at=_when(changed_at),
        status_reason=reason or "",
        group_id=group_id,
    )
    next_session = next_topic = None
    if group_id is not None and status in EXPECTED_AT_SESSIONS and next_at is not None:
        next_session = NextSession(starts_at=_when(next_at))
        if topic_name is not None:
            next_topic = topic_shown(
                name=topic_name, summary=topic_summary or "", page_id=topic_page
            )
    explanation_shown = None
    if heading is not None:
        explanation_shown = explanation_rendered(heading=heading, text=text, more_page_id=more)
    version = hashlib.sha256(
        repr(
            (
                survivor_id,
                participant,
                attendance,
                next_session,
                next_topic and sorted(next_topic.items()),
                explanation_shown and sorted(explanation_shown.items()),
            )
        ).encode()
    ).hexdigest()
    return {
        "participant": participant,
        "attendance": attendance,
        "next_session": next_session,
        "next_topic": next_topic,
        "explanation": explanation_shown,
        "version": version,
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

    from survivors.models import ActivationCode

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
