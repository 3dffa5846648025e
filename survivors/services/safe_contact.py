"""Her safe-contact settings (SPEC 4): her safe number, voicemail, code word,
the times it is safe to contact her, her language, and pausing all contact.

She changes them from her portal, her own Women's Support Service (WSS)
worker from her case. Every change is audited in the same transaction; a
change from her account that could mean someone else holds her phone quietly
alerts her worker. A change of her details is verified and kept in her
contact-change history (SPEC 12: whoever holds her old phone may pretend to be
her), and sends her no text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import transaction

from contacts import policy
from contacts.encryption import phone_hash
from contacts.models import AuditAction, User
from contacts.phones import PhoneNumberInvalid, phone_e164
from contacts.services.audit import audit_record
from survivors.errors import RESTRICTED, ContactChangeError, PortalError
from survivors.models import Alert, ContactChange, SafeContactWindow, Survivor
from survivors.services.alerts import alert_raise


@dataclass(frozen=True)
class Window:
    """One safe time to contact her: a weekday (0 = Monday) and UK local times."""

    weekday: int
    starts_at: time
    ends_at: time


def phone_normalise(raw: str, *, region: str = "GB") -> str:
    """A phone number as E.164 (``+447700900123``), or PortalError."""
    try:
        return phone_e164(raw, region=region)
    except PhoneNumberInvalid as error:
        raise PortalError("invalid_phone") from error


def may_edit_her_settings(actor: User, survivor: Survivor) -> bool:
    """She (from her own account) or her own worker."""
    return from_her_account(actor, survivor) or policy.can_work_with_survivor(actor, survivor)


def from_her_account(actor: User, survivor: Survivor) -> bool:
    """A change made through her own account: she made it, or whoever holds her
    unlocked phone did (SPEC 5 reasons the same way about a STOP text)."""
    return policy.is_survivor(actor) and survivor.user_id == actor.pk


def safe_contact_windows_normalise(windows: list[Window]) -> list[Window]:
    """Her safe times as they are stored and shown: checked, without
    duplicates, in weekday and time order."""
    for window in windows:
        if window.ends_at <= window.starts_at:
            raise PortalError("window_order")
        if window.weekday not in range(7):
            raise PortalError("window_order", "Choose a day of the week.")
    return sorted(set(windows), key=lambda w: (w.weekday, w.starts_at, w.ends_at))


# How her worker may have checked it was her (SPEC 12); in her own account the
# check is her passphrase, asked for again in the same form.
STAFF_VERIFICATIONS = frozenset(ContactChange.Verification.values) - {
    ContactChange.Verification.PASSPHRASE
}


def safe_contact_update(
    *,
    actor: User,
    survivor: Survivor,
    safe_phone: str,
    voicemail_safe: bool,
    code_word: str,
    windows: list[Window],
    sms_nudges: bool | None = None,
    notes: str | None = None,
    verification: str = "",
    current_passphrase: str = "",
) -> Survivor:
    """Replace her safe-contact details: safe number (stored encrypted, as E.164,
    with its keyed hash), voicemail, code word and the weekly windows. She or
    her own worker may do this; ``notes`` is for her worker only. A new safe
    number set from her own account quietly alerts her worker (check-ins go to
    it from now on, and it may not be hers).

    Every save is verified (SPEC 12): from her account with her passphrase
    (``current_passphrase``), by her worker with how she checked it was her
    (``verification``, one of ``STAFF_VERIFICATIONS``). A save that changes
    anything records a ``ContactChange`` (field names, never values). Nothing
    is sent to her old or new number because of it."""
    if not may_edit_her_settings(actor, survivor):
        raise PortalError("not_allowed")
    by_her = from_her_account(actor, survivor)
    if survivor.restricted_at is not None:  # kept, not used (SPEC 12)
        raise PortalError("restricted") if by_her else PortalError("restricted", RESTRICTED)
    phone = phone_normalise(safe_phone)
    unique = safe_contact_windows_normalise(windows)
    if by_her:
        if not actor.check_password(current_passphrase or ""):
            raise PortalError("wrong_passphrase")
        verification = ContactChange.Verification.PASSPHRASE
    elif verification not in STAFF_VERIFICATIONS:
        raise ContactChangeError("no_verification")
    with transaction.atomic():
        before = Survivor.objects.select_for_update().get(pk=survivor.pk)
        before_windows = set(
            SafeContactWindow.objects.filter(survivor=survivor).values_list(
                "weekday", "starts_at", "ends_at"
            )
        )
        survivor.safe_phone = phone
        survivor.safe_phone_hash = phone_hash(phone) if phone else ""
        survivor.voicemail_safe = bool(voicemail_safe)
        survivor.code_word = (code_word or "").strip()
        fields = ["safe_phone", "safe_phone_hash", "voicemail_safe", "code_word"]
        if sms_nudges is not None:
            survivor.sms_nudges = bool(sms_nudges)
            fields.append("sms_nudges")
        if notes is not None and policy.can_work_with_survivor(actor, survivor):
            survivor.safe_contact_notes = notes
            fields.append("safe_contact_notes")
        compared = [
            ("safe_phone", before.safe_phone_hash, survivor.safe_phone_hash),
            ("voicemail_safe", before.voicemail_safe, survivor.voicemail_safe),
            ("code_word", before.code_word, survivor.code_word),
            ("windows", before_windows, {(w.weekday, w.starts_at, w.ends_at) for w in unique}),
        ]
        if "sms_nudges" in fields:
            compared.append(("sms_nudges", before.sms_nudges, survivor.sms_nudges))
        if "safe_contact_notes" in fields:
            compared.append(("notes", before.safe_contact_notes, survivor.safe_contact_notes))
        changed = [name for name, old, new in compared if old != new]
        survivor.save(update_fields=fields)
        SafeContactWindow.objects.filter(survivor=survivor).delete()
        SafeContactWindow.objects.bulk_create(
            [
                SafeContactWindow(
                    survivor=survivor, weekday=w.weekday, starts_at=w.starts_at, ends_at=w.ends_at
                )
                for w in unique
            ]
        )
        if changed:
            ContactChange.objects.create(
                survivor=survivor,
                changed_by=None if by_her else actor,
                verification=verification,
                fields=changed,
            )
        audit_record(actor=actor, action=AuditAction.SAFE_CONTACT_UPDATE, obj=survivor)
        if by_her and "safe_phone" in changed:
            alert_raise(survivor=survivor, kind=Alert.Kind.SAFE_PHONE_CHANGED)
    return survivor


def survivor_language_set(
    *, actor: User, survivor: Survivor, language: str, needs_interpreter: bool | None = None
) -> Survivor:
    """Her language (SPEC 11), chosen by her or her own worker: a code from
    settings.LANGUAGES, or "" for not chosen; and whether she would like an
    interpreter when her worker speaks with her."""
    if not may_edit_her_settings(actor, survivor):
        raise PortalError("not_allowed")
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    if language and language.lower() not in codes:
        raise PortalError("unknown_language")
    with transaction.atomic():
        survivor.language = codes.get(language.lower(), "") if language else ""
        fields = ["language"]
        if needs_interpreter is not None:
            survivor.needs_interpreter = bool(needs_interpreter)
            fields.append("needs_interpreter")
        survivor.save(update_fields=fields)
        audit_record(actor=actor, action=AuditAction.SAFE_CONTACT_UPDATE, obj=survivor)
    return survivor


def contact_pause(*, survivor: Survivor, paused: bool, actor: User | None = None) -> Survivor:
    """Pause (or resume) all contact with her: no check-ins, no texts, no calls
    until she resumes. The actor defaults to her own account. Pausing from her
    account quietly alerts her worker."""
    actor = actor if actor is not None else survivor.user
    if actor is None or not may_edit_her_settings(actor, survivor):
        raise PortalError("not_allowed")
    with transaction.atomic():
        was_paused = (
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("contact_paused", flat=True)
            .first()
        )
        if paused and not was_paused and from_her_account(actor, survivor):
            alert_raise(survivor=survivor, kind=Alert.Kind.CONTACT_PAUSED)
        survivor.contact_paused = bool(paused)
        survivor.save(update_fields=["contact_paused"])
        action = AuditAction.SAFE_CONTACT_PAUSE if paused else AuditAction.SAFE_CONTACT_RESUME
        audit_record(actor=actor, action=action, obj=survivor)
    return survivor
