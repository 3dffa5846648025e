"""Check-ins (SPEC 5): her worker's plan, due times inside her safe windows,
dispatching due check-ins to the outbox, and noticing unanswered ones.

Times are stored as a local time of day plus her time zone; the next due
instant is computed from them after each send, so 18:30 Europe/London stays
18:30 on the clock on both sides of the March and October changes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from checkins.errors import CheckInError
from checkins.models import CheckIn, CheckInPlan, OutboundMessage, SmsOptOut, SmsTexts
from checkins.services.outbox import outbox_enqueue, outbox_wake_on_commit, sms_opted_out
from checkins.sms_segments import sms_segments
from contacts.discretion import discretion_normalise, discretion_words_in
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import RESTRICTED
from survivors.models import Alert, SafeContactWindow, Survivor
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

SEARCH_DAYS = 35


# --- When is it due? -------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    due_at: datetime  # aware, UTC
    window_ends_at: datetime  # aware, UTC: after this it is too old to send


def _aware(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Local wall time on ``day`` in ``zone``; a time in the spring-forward gap
    moves to the first valid instant after it."""
    local = datetime.combine(day, at).replace(tzinfo=zone)
    round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = round_trip
    return local


def _plan_runs_on(plan: CheckInPlan, day: date) -> bool:
    if plan.frequency == CheckInPlan.Frequency.DAILY:
        return True
    if day.weekday() not in plan.weekday_list:
        return False
    if plan.frequency == CheckInPlan.Frequency.FORTNIGHTLY:
        anchor = plan.starts_on - timedelta(days=plan.starts_on.weekday())
        return ((day - anchor).days // 7) % 2 == 0
    return True


def next_slot(
    *, plan: CheckInPlan, windows: list[SafeContactWindow], zone_name: str, after: datetime
) -> Slot | None:
    """The first time strictly after ``after`` the plan runs inside a safe window.

    The plan's local ``send_at`` is used when it falls in a window that day;
    otherwise the start of that day's first window that opens after it."""
    zone = ZoneInfo(zone_name)
    local_after = after.astimezone(zone)
    by_day: dict[int, list[SafeContactWindow]] = {}
    for window in windows:
        by_day.setdefault(window.weekday, []).append(window)
    for offset in range(SEARCH_DAYS):
        day = local_after.date() + timedelta(days=offset)
        if day < plan.starts_on or not _plan_runs_on(plan, day):
            continue
        for window in sorted(by_day.get(day.weekday(), []), key=lambda w: w.starts_at):
            if window.ends_at <= plan.send_at:
                continue
            at = max(plan.send_at, window.starts_at)
            due = _aware(day, at, zone)
            ends = _aware(day, window.ends_at, zone)
            if not window.starts_at <= due.timetz().replace(tzinfo=None) < window.ends_at:
                continue  # the spring-forward gap moved it out of the window
            if due > after:
                return Slot(due.astimezone(ZoneInfo("UTC")), ends.astimezone(ZoneInfo("UTC")))
    return None


def window_end_for(*, survivor: Survivor, instant: datetime) -> datetime | None:
    """The end of her safe window containing ``instant``, or None if outside all."""
    zone = ZoneInfo(survivor.time_zone)
    local = instant.astimezone(zone)
    for window in survivor.windows.filter(weekday=local.weekday()):
        if window.starts_at <= local.time() < window.ends_at:
            return _aware(local.date(), window.ends_at, zone)
    return None


def next_window_start(*, survivor: Survivor, after: datetime) -> Slot | None:
    """Now, if ``after`` is inside one of her windows; else the next window's start."""
    zone = ZoneInfo(survivor.time_zone)
    windows = list(survivor.windows.all())
    local_after = after.astimezone(zone)
    for offset in range(8):
        day = local_after.date() + timedelta(days=offset)
        for window in sorted(
            (w for w in windows if w.weekday == day.weekday()), key=lambda w: w.starts_at
        ):
            start, end = _aware(day, window.starts_at, zone), _aware(day, window.ends_at, zone)
            if end <= after:
                continue
            return Slot(max(start, after).astimezone(ZoneInfo("UTC")), end)
    return None


def plan_reschedule(*, plan: CheckInPlan, after: datetime | None = None) -> datetime | None:
    """Recompute ``next_due_at`` (NULL while paused, opted out or with no window)."""
    survivor = plan.survivor
    after = after or timezone.now()
    # Her own "pause all contact" is checked at each due time instead, so the
    # plan carries on by itself when she lifts it.
    if plan.paused or sms_opted_out(survivor=survivor):
        due = None
    else:
        slot = next_slot(
            plan=plan,
            windows=list(survivor.windows.all()),
            zone_name=survivor.time_zone,
            after=after,
        )
        due = slot.due_at if slot else None
    CheckInPlan.objects.filter(pk=plan.pk).update(next_due_at=due)
    plan.next_due_at = due
    return due


def checkin_plan_set(
    *,
    actor: User,
    survivor: Survivor,
    frequency: str,
    weekdays: list[int],
    send_at: time,
    reply_window_hours: int = 24,
    paused: bool = False,
) -> CheckInPlan:
    if frequency not in CheckInPlan.Frequency.values:
        raise CheckInError("bad_frequency")
    if frequency != CheckInPlan.Frequency.DAILY and not weekdays:
        raise CheckInError("no_days")
    if not 1 <= int(reply_window_hours) <= 168:
        raise CheckInError("bad_window")
    if survivor.restricted_at is not None:
        raise CheckInError("restricted", RESTRICTED)
    with transaction.atomic():
        plan, created = CheckInPlan.objects.select_for_update().get_or_create(
            survivor=survivor,
            defaults={"frequency": frequency, "send_at": send_at},
        )
        plan.frequency = frequency
        plan.weekdays = ",".join(str(day) for day in sorted(set(weekdays)) if 0 <= day <= 6)
        plan.send_at = send_at
        plan.reply_window_hours = reply_window_hours
        plan.paused = paused
        plan.updated_by = actor
        plan.updated_at = timezone.now()
        if created:
            plan.starts_on = timezone.localdate()
        plan.save()
        plan.survivor = survivor
        plan_reschedule(plan=plan)
        audit_record(actor=actor, action=AuditAction.CHECKIN_PLAN_SET, obj=plan, survivor=survivor)
    return plan


def checkin_plans_reschedule_for(*, survivor: Survivor) -> None:
    """Call after her windows, time zone or pause change."""
    plan = CheckInPlan.objects.filter(survivor=survivor).first()
    if plan is not None:
        plan.survivor = survivor
        plan_reschedule(plan=plan)


# --- The texts ------------------------------------------------------------------------


# The texts each language starts with (locale/<code>/LC_MESSAGES/django.po
# translates them; the manager can replace each on the texts page). Replies stay
# the digits 1, 2 and 3 in every language.
DEFAULT_TEXTS = {
    "checkin_text": gettext_noop(
        "Hi, it's {name}. Reply 1 if all is well, 2 if you'd like a call, 3 if it's urgent."
    ),
    "nudge_text": gettext_noop("Hi, it's {name}. You have a new message."),
}
SAFE_CHECKIN_TEXT = gettext_noop(
    "Hi. Reply 1 if all is well, 2 if you'd like a call, 3 if it's urgent."
)
# The sender name is at most this long (BrandingSettings.sms_sender_name):
# a text must fit in one segment with the longest name in place of {name}.
LONGEST_NAME = "N" * 11


def _is_default_language(language: str | None) -> bool:
    return not language or language.lower() == settings.LANGUAGE_CODE.lower()


def text_problem(text: str, *, language: str | None = None, kind: str = "") -> str | None:
    """Why a text may not be sent (an error code), or None: empty, a word from
    the discretion lists (the one list and her language's), a link, more than
    one SMS segment with the sender name in, or (a check-in) no replies 1/2/3."""
    if not text.strip():
        return "empty"
    if discretion_words_in(text, language=language):
        return "forbidden_word"
    lowered = discretion_normalise(text)
    host = re.sub(r"^https?://", "", settings.PUBLIC_BASE_URL).split("/")[0].lower()
    if re.search(r"https?://|www\.|\b[a-z0-9-]+\.(?:org|com|net|uk|io|app)\b", lowered) or (
        host and host in lowered
    ):
        return "link"
    if len(text) > 320 or sms_segments(text.replace("{name}", LONGEST_NAME)).count > 1:
        return "too_long"
    if kind == "checkin_text" and not all(
        re.search(rf"(?<![0-9]){digit}(?![0-9])", text) for digit in "123"
    ):
        return "no_replies"
    return None


def sms_text_for(*, kind: str, language: str | None) -> str:
    """The wording of a check-in ("checkin_text") or nudge ("nudge_text") text in
    her language: the manager's for that language, else the shipped
    translation; in the default language, the manager's English."""
    texts = SmsTexts.load()
    if _is_default_language(language):
        return getattr(texts, kind)
    own = (texts.translations.get(language) or {}).get(kind, "")
    if own:
        return own
    with translation.override(language):
        return translation.gettext(DEFAULT_TEXTS[kind])


def sms_texts_update(
    *,
    actor: User,
    checkin_text: str,
    nudge_text: str,
    translations: dict[str, dict[str, str]] | None = None,
) -> SmsTexts:
    """The manager's wording, in English and (``translations``, by language code)
    in her other languages; an empty translation means the shipped one. Every
    text is checked in its own language; one refused text saves nothing."""
    for kind, text in (("checkin_text", checkin_text), ("nudge_text", nudge_text)):
        problem = text_problem(text, kind=kind)
        if problem:
            raise CheckInError(problem)
    offered = {code for code, _name in settings.LANGUAGES}
    kept: dict[str, dict[str, str]] = {}
    for language, wording in (translations or {}).items():
        if language not in offered or _is_default_language(language):
            continue
        for kind in DEFAULT_TEXTS:
            text = (wording.get(kind) or "").strip()
            if not text:
                continue
            problem = text_problem(text, language=language, kind=kind)
            if problem:
                raise CheckInError(problem, f"{language}: {CheckInError.messages[problem]}")
            kept.setdefault(language, {})[kind] = text
    with transaction.atomic():
        texts = SmsTexts.load()
        texts.checkin_text = checkin_text.strip()
        texts.nudge_text = nudge_text.strip()
        if translations is not None:
            texts.translations = kept
        texts.updated_by = actor
        texts.updated_at = timezone.now()
        texts.save()
        audit_record(actor=actor, action=AuditAction.SMS_TEXTS_UPDATE, obj=texts)
    return texts


def sender_name() -> str:
    """The neutral first name from the site's branding settings (Wagtail)."""
    from wagtail.models import Site

    from cms.models import BrandingSettings

    default = BrandingSettings._meta.get_field("sms_sender_name").default
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return default
    return BrandingSettings.for_site(site).sms_sender_name or default


def render_text(template: str, *, language: str | None = None) -> str:
    text = template.replace("{name}", sender_name())
    if text_problem(text, language=language):
        # Never send a text that fails the discretion check, whatever changed:
        # the plain check-in in her language, or in English if even that fails.
        text = SAFE_CHECKIN_TEXT
        if not _is_default_language(language):
            with translation.override(language):
                translated = translation.gettext(SAFE_CHECKIN_TEXT)
            if not text_problem(translated, language=language):
                text = translated
    return text


def sms_text_rendered(*, kind: str, survivor: Survivor) -> str:
    """The text as it goes to her phone, in her language (SPEC 11)."""
    language = survivor.language or settings.LANGUAGE_CODE
    return render_text(sms_text_for(kind=kind, language=language), language=language)


# --- Dispatching --------------------------------------------------------------------


def checkins_due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Plans due now: an index range scan over ``next_due_at`` (partial index)."""
    query = CheckInPlan.objects.filter(next_due_at__lte=now).order_by("next_due_at")
    # Each plan is then taken by compare-and-set on its due time, so two
    # dispatchers running at once never both queue the same check-in.
    return list(query.values_list("pk", flat=True)[:limit])


def checkin_dispatch_one(*, plan_id: int, now: datetime) -> str:
    """Turn one due plan into a check-in and an outbox row (or a too-old alert)."""
    with transaction.atomic():
        plan = CheckInPlan.objects.select_related("survivor").filter(pk=plan_id).first()
        if plan is None or plan.next_due_at is None or plan.next_due_at > now:
            return "not_due"
        due_at = plan.next_due_at
        survivor = plan.survivor
        slot = next_slot(
            plan=plan,
            windows=list(survivor.windows.all()),
            zone_name=survivor.time_zone,
            after=due_at,
        )
        # Compare-and-set: one dispatcher wins this due time, whatever the database.
        if not CheckInPlan.objects.filter(pk=plan.pk, next_due_at=due_at).update(
            next_due_at=slot.due_at if slot else None
        ):
            return "taken"
        # A restricted case (SPEC 12) is kept, not used: like her own pause, it
        # is checked at each due time, so the plan carries on once it is lifted.
        if (
            plan.paused
            or survivor.contact_paused
            or survivor.restricted_at is not None
            or sms_opted_out(survivor=survivor)
        ):
            plan_reschedule(plan=plan, after=now)
            return "paused"
        window_end = window_end_for(survivor=survivor, instant=due_at)
        if window_end is None:
            # Her windows changed since this was worked out: find the next one.
            plan_reschedule(plan=plan, after=now)
            return "rescheduled"
        checkin = CheckIn.objects.create(plan=plan, survivor=survivor, due_at=due_at)
        if now >= window_end:
            checkin.state = CheckIn.State.TOO_OLD
            checkin.save(update_fields=["state"])
            alert_raise(survivor=survivor, kind=Alert.Kind.CHECKIN_TOO_OLD)
            if slot and slot.due_at <= now:
                plan_reschedule(plan=plan, after=now)
            logger.info("check-in %s too old to send", checkin.pk)
            return "too_old"
        message = outbox_enqueue(
            survivor=survivor,
            kind=OutboundMessage.Kind.CHECKIN,
            body=sms_text_rendered(kind="checkin_text", survivor=survivor),
            idempotency_key=f"checkin:{plan.pk}:{due_at.isoformat()}",
            checkin=checkin,
            send_from=now,
            not_after=window_end,
            wake=False,
        )
        if message is None:
            checkin.state = CheckIn.State.NOT_SENT
            checkin.save(update_fields=["state"])
            alert_raise(survivor=survivor, kind=Alert.Kind.SEND_FAILED)
            return "no_number"
        return "queued"


def checkins_dispatch_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for plan_id in checkins_due_ids(now=now, limit=limit):
        outcome = checkin_dispatch_one(plan_id=plan_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("queued"):
        with transaction.atomic():
            outbox_wake_on_commit()
    return counts


def checkins_mark_missed(*, now: datetime | None = None, limit: int = 1000) -> int:
    """No reply within the plan's window: alert her worker (no second text)."""
    now = now or timezone.now()
    missed = 0
    ids = list(
        CheckIn.objects.filter(state=CheckIn.State.SENT, reply_by__lt=now).values_list(
            "pk", flat=True
        )[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            if not CheckIn.objects.filter(pk=pk, state=CheckIn.State.SENT).update(
                state=CheckIn.State.MISSED
            ):
                continue
            survivor = Survivor.objects.get(checkins__pk=pk)
            alert_raise(survivor=survivor, kind=Alert.Kind.CHECKIN_MISSED)
            missed += 1
    return missed


def sms_nudge_queue(*, survivor: Survivor, now: datetime | None = None) -> OutboundMessage | None:
    """The optional neutral "you have a new message" text: only if she opted in,
    only inside her safe windows, at most one per window. Call inside the
    transaction that created the message or alert."""
    now = now or timezone.now()
    if not survivor.sms_nudges or survivor.contact_paused or survivor.restricted_at is not None:
        return None
    slot = next_window_start(survivor=survivor, after=now)
    if slot is None:
        return None
    return outbox_enqueue(
        survivor=survivor,
        kind=OutboundMessage.Kind.NUDGE,
        body=sms_text_rendered(kind="nudge_text", survivor=survivor),
        idempotency_key=f"nudge:{survivor.pk}:{slot.window_ends_at.isoformat()}",
        send_from=slot.due_at,
        not_after=slot.window_ends_at,
    )


def sms_opt_out_lift(*, actor: User, survivor: Survivor) -> None:
    """Her worker has spoken with her and texts may start again (her check-in
    plan is rescheduled, so it lives here, not beside the opt-out itself)."""
    with transaction.atomic():
        SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=actor
        )
        checkin_plans_reschedule_for(survivor=survivor)
        audit_record(actor=actor, action=AuditAction.SMS_OPT_OUT_LIFT, obj=survivor)
