"""Writes for the survivor portal: activation codes, her account, lockout
lifting, safe-contact settings, pausing contact and the second ("duress")
passphrase.

Only hashes of codes and passphrases are stored. Every change is audited in
the same transaction (ids only). Women's Support Service is abbreviated WSS.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import time, timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts import policy
from contacts.discretion import discretion_words_in
from contacts.encryption import phone_hash
from contacts.errors import PortalError
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.models import ActivationAttempt, ActivationCode, Alert, SafeContactWindow, Survivor
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

ACTIVATION_CODE_LIFETIME = timedelta(hours=72)
# No 0/O, 1/I/L: easy to read out over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4  # about 59 bits
SURVIVOR_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,40}$")


def normalise_code(code: str) -> str:
    """Codes are accepted in any case, with or without spaces and dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def code_hash(code: str) -> str:
    """Keyed hash of a normalised code (never the code itself)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def _may_manage_account(actor: User, survivor: Survivor) -> bool:
    return policy.can_work_with_survivor(actor, survivor) or policy.is_manager(actor)


def activation_code_issue(*, actor: User, survivor: Survivor) -> str:
    """A one-time code for her to set up (or reset) her account: valid 72 hours,
    single use; issuing a new one invalidates her older unused codes. Returns the
    plain code to give her in person or by phone; only its hash is stored."""
    if not _may_manage_account(actor, survivor):
        raise PortalError("not_allowed")
    plain = "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    now = timezone.now()
    with transaction.atomic():
        ActivationCode.objects.filter(
            survivor=survivor, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        code = ActivationCode.objects.create(
            survivor=survivor,
            code_hash=code_hash(plain),
            created_by=actor,
            expires_at=now + ACTIVATION_CODE_LIFETIME,
        )
        audit_record(
            actor=actor, action=AuditAction.ACTIVATION_CODE_ISSUE, obj=code, survivor=survivor
        )
    return plain


# Names nobody may choose on the activation page: they would look official,
# and refusing them means a refused name is not proof that an account exists.
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "staff",
        "manager",
        "worker",
        "duty",
        "ops",
        "editor",
        "system",
        "help",
        "helpdesk",
        "info",
        "office",
        "service",
        "team",
        "test",
    }
)


def _check_username(username: str, *, exclude_pk: int | None) -> str:
    username = (username or "").strip()
    if not SURVIVOR_USERNAME.match(username):
        raise PortalError("username_invalid")
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    reserved = re.sub(r"[._-]+", "", username.lower()) in RESERVED_USERNAMES or bool(
        discretion_words_in(username)
    )
    # One answer for a taken name (staff or survivor) and for a reserved one.
    if reserved or taken.exists():
        raise PortalError("username_unavailable")
    return username


def _check_passphrase(passphrase: str, user: User) -> None:
    try:
        validate_password(passphrase, user=user)
    except ValidationError as error:
        raise PortalError("weak_passphrase", " ".join(error.messages)) from error


def _end_sessions(user: User) -> None:
    """Sign her out everywhere (an old device he holds must lose access)."""
    user_pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_pk:
            session.delete()


def _keyed(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return f"{kind}:" + hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def activation_try_record(*, code: str, address: str) -> None:
    """Count one try at the activation page, or refuse it (``activation_rate_limited``)
    when the address or the code has had its tries for the window. The same
    answer for both limits, whether or not the code is valid."""
    now = timezone.now()
    keys = [_keyed("code", code_hash(code))]
    limits = [settings.ACTIVATION_TRIES_PER_CODE]
    if address:
        keys.append(_keyed("address", address))
        limits.append(settings.ACTIVATION_TRIES_PER_ADDRESS)
    since = now - settings.ACTIVATION_TRY_WINDOW
    with transaction.atomic():
        for key, limit in zip(keys, limits, strict=True):
            if ActivationAttempt.objects.filter(key=key, at__gt=since).count() >= limit:
                raise PortalError("activation_rate_limited")
        ActivationAttempt.objects.bulk_create(ActivationAttempt(key=key, at=now) for key in keys)


def _activation_username_refused(*, code: str) -> None:
    """One more name refused with this code; at the limit the code stops working
    (her worker issues a new one), so a code cannot be used to test names."""
    with transaction.atomic():
        activation = (
            ActivationCode.objects.select_for_update(of=("self",))
            .filter(code_hash=code_hash(code), used_at__isnull=True)
            .first()
        )
        if activation is None:
            return
        activation.username_refusals += 1
        fields = ["username_refusals"]
        if activation.username_refusals >= settings.ACTIVATION_USERNAME_REFUSALS:
            activation.expires_at = min(activation.expires_at, timezone.now())
            fields.append("expires_at")
            audit_record(
                actor=None,
                action=AuditAction.ACTIVATION_CODE_SPENT,
                obj=activation,
                survivor=activation.survivor,
            )
        activation.save(update_fields=fields)


def survivor_activate(*, code: str, username: str, passphrase: str, address: str = "") -> User:
    """Turn a valid activation code into her account with the username and
    passphrase she chose. A code for someone who already has an account resets
    it (new username and passphrase, other sessions ended).

    Tries are limited per address and per code (``activation_try_record``), and
    a refused username gives one answer whether the name is taken or reserved;
    after ``ACTIVATION_USERNAME_REFUSALS`` refused names the code stops working."""
    activation_try_record(code=code, address=address)
    try:
        return _survivor_activate(code=code, username=username, passphrase=passphrase)
    except PortalError as error:
        if error.code == "username_unavailable":
            _activation_username_refused(code=code)
        raise


def _survivor_activate(*, code: str, username: str, passphrase: str) -> User:
    now = timezone.now()
    with transaction.atomic():
        activation = (
            ActivationCode.objects.select_for_update(of=("self",))
            .select_related("survivor", "survivor__user")
            .filter(code_hash=code_hash(code), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if activation is None:
            raise PortalError("invalid_code")
        survivor = activation.survivor
        existing = survivor.user
        username = _check_username(username, exclude_pk=existing.pk if existing else None)
        user = existing or User(kind=User.Kind.SURVIVOR)
        user.username = username
        user.kind = User.Kind.SURVIVOR
        user.is_staff = user.is_superuser = False
        user.is_active = True
        _check_passphrase(passphrase, user)
        user.set_password(passphrase)
        user.save()
        if existing is None:
            survivor.user = user
            survivor.save(update_fields=["user"])
        else:
            _end_sessions(user)
            if survivor.duress_passphrase and check_password(
                passphrase, survivor.duress_passphrase
            ):
                survivor.duress_passphrase = ""
                survivor.save(update_fields=["duress_passphrase"])
        activation.used_at = now
        activation.save(update_fields=["used_at"])
        audit_record(
            actor=user, action=AuditAction.SURVIVOR_ACTIVATE, obj=activation, survivor=survivor
        )
    logger.info("portal account %s activated for case %s", user.pk, survivor.pk)
    return user


def survivor_lockout_lift(*, actor: User, survivor: Survivor) -> int:
    """Lift a sign-in lockout on her username (every address). Returns the number
    of failure records cleared."""
    from axes.utils import reset

    if not _may_manage_account(actor, survivor):
        raise PortalError("not_allowed")
    if survivor.user is None:
        raise PortalError("no_account")
    with transaction.atomic():
        cleared = reset(username=survivor.user.username)
        audit_record(actor=actor, action=AuditAction.SURVIVOR_LOCKOUT_LIFT, obj=survivor)
    return cleared


# --- Safe contact -------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One safe time to contact her: a weekday (0 = Monday) and UK local times."""

    weekday: int
    starts_at: time
    ends_at: time


def phone_normalise(raw: str, *, region: str = "GB") -> str:
    """A phone number as E.164 (``+447700900123``), or PortalError."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise PortalError("invalid_phone") from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Ofcom keeps 07700 900000-900999 for drama and testing (demo data uses them).
    fictional = e164.startswith("+447700900") and len(e164) == 13
    if not (phonenumbers.is_valid_number(number) or fictional):
        raise PortalError("invalid_phone")
    return e164


def _may_edit_safe_contact(actor: User, survivor: Survivor) -> bool:
    return _from_her_account(actor, survivor) or policy.can_work_with_survivor(actor, survivor)


def _from_her_account(actor: User, survivor: Survivor) -> bool:
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
) -> Survivor:
    """Replace her safe-contact details: safe number (stored encrypted, as E.164,
    with its keyed hash), voicemail, code word and the weekly windows. She or
    her own worker may do this; ``notes`` is for her worker only. A new safe
    number set from her own account quietly alerts her worker (check-ins go to
    it from now on, and it may not be hers)."""
    if not _may_edit_safe_contact(actor, survivor):
        raise PortalError("not_allowed")
    phone = phone_normalise(safe_phone)
    unique = safe_contact_windows_normalise(windows)
    with transaction.atomic():
        previous_hash = (
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("safe_phone_hash", flat=True)
            .first()
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
        audit_record(actor=actor, action=AuditAction.SAFE_CONTACT_UPDATE, obj=survivor)
        if _from_her_account(actor, survivor) and survivor.safe_phone_hash != previous_hash:
            alert_raise(survivor=survivor, kind=Alert.Kind.SAFE_PHONE_CHANGED)
    return survivor


def survivor_language_set(
    *, actor: User, survivor: Survivor, language: str, needs_interpreter: bool | None = None
) -> Survivor:
    """Her language (SPEC 11), chosen by her or her own worker: a code from
    settings.LANGUAGES, or "" for not chosen; and whether she would like an
    interpreter when her worker speaks with her."""
    if not _may_edit_safe_contact(actor, survivor):
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
    if actor is None or not _may_edit_safe_contact(actor, survivor):
        raise PortalError("not_allowed")
    with transaction.atomic():
        was_paused = (
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("contact_paused", flat=True)
            .first()
        )
        if paused and not was_paused and _from_her_account(actor, survivor):
            alert_raise(survivor=survivor, kind=Alert.Kind.CONTACT_PAUSED)
        survivor.contact_paused = bool(paused)
        survivor.save(update_fields=["contact_paused"])
        action = AuditAction.SAFE_CONTACT_PAUSE if paused else AuditAction.SAFE_CONTACT_RESUME
        audit_record(actor=actor, action=action, obj=survivor)
    return survivor


def duress_passphrase_set(
    *, survivor: Survivor, passphrase: str, current_passphrase: str, actor: User | None = None
) -> Survivor:
    """Set her second passphrase. Signing in with it shows an empty-looking
    account and silently alerts her worker. She confirms her usual passphrase;
    the two must differ. Changing one she already had quietly alerts her worker."""
    user = survivor.user
    actor = actor if actor is not None else user
    if user is None:
        raise PortalError("no_account")
    if actor is None or actor.pk != user.pk:
        raise PortalError("not_allowed")
    if not user.check_password(current_passphrase):
        raise PortalError("wrong_passphrase")
    if user.check_password(passphrase):
        raise PortalError("same_as_passphrase")
    _check_passphrase(passphrase, user)
    with transaction.atomic():
        had_one = bool(
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("duress_passphrase", flat=True)
            .first()
        )
        survivor.duress_passphrase = make_password(passphrase)
        survivor.save(update_fields=["duress_passphrase"])
        audit_record(actor=actor, action=AuditAction.DURESS_PASSPHRASE_SET, obj=survivor)
        if had_one:
            alert_raise(survivor=survivor, kind=Alert.Kind.SECOND_CHANGED)
    return survivor


def duress_passphrase_clear(
    *, survivor: Survivor, actor: User, current_passphrase: str | None = None
) -> Survivor:
    """Remove her second passphrase: she herself (with her usual passphrase,
    and her worker is quietly alerted), or her own worker."""
    if not _may_edit_safe_contact(actor, survivor):
        raise PortalError("not_allowed")
    from_her_account = _from_her_account(actor, survivor)
    if from_her_account and not actor.check_password(current_passphrase or ""):
        raise PortalError("wrong_passphrase")
    with transaction.atomic():
        had_one = bool(
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("duress_passphrase", flat=True)
            .first()
        )
        if had_one and from_her_account:
            alert_raise(survivor=survivor, kind=Alert.Kind.SECOND_REMOVED)
        survivor.duress_passphrase = ""
        survivor.save(update_fields=["duress_passphrase"])
        audit_record(actor=actor, action=AuditAction.DURESS_PASSPHRASE_CLEAR, obj=survivor)
    return survivor
