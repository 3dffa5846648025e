"""Her portal account: activation codes her worker gives her, turning one into
her username and passphrase, and lifting a sign-in lockout.

Only hashes of codes and passphrases are stored. Every change is audited in
the same transaction (ids only). Women's Support Service is abbreviated WSS.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts import policy
from contacts.discretion import discretion_words_in
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import RESTRICTED, PortalError
from survivors.models import ActivationAttempt, ActivationCode, Alert, Survivor
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
    if survivor.restricted_at is not None:
        raise PortalError("restricted", RESTRICTED)  # kept, not used (SPEC 12)
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
        # Checked before any lookup, so it says nothing about other accounts and
        # is not counted as a refusal; it still reads like every other refusal.
        raise PortalError("username_invalid", PortalError.messages["username_unavailable"])
    taken = User.objects.filter(username__iexact=username, kind=User.Kind.SURVIVOR)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    reserved = re.sub(r"[._-]+", "", username.lower()) in RESERVED_USERNAMES or bool(
        discretion_words_in(username)
    )
    # One answer for a name another woman has taken and for a reserved one.
    # Staff names are another namespace (contacts.models.User): never looked at.
    if reserved or taken.exists():
        raise PortalError("username_unavailable")
    return username


def passphrase_validate(*, passphrase: str, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), as one
    PortalError her pages can show."""
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
    and her worker is told by an alert that names no username (she issues a new
    code), so a code cannot be used to test which names exist (SPEC 2, SPEC 8)."""
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
            alert_raise(survivor=activation.survivor, kind=Alert.Kind.CODE_SPENT)
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
        passphrase_validate(passphrase=passphrase, user=user)
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
    if survivor.restricted_at is not None:
        raise PortalError("restricted", RESTRICTED)  # kept, not used (SPEC 12)
    if survivor.user is None:
        raise PortalError("no_account")
    with transaction.atomic():
        cleared = reset(username=survivor.user.username)
        audit_record(actor=actor, action=AuditAction.SURVIVOR_LOCKOUT_LIFT, obj=survivor)
    return cleared
