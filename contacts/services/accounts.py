"""Staff accounts, roles and sign-in controls, kept by the service manager.

A new staff account gets a one-time temporary password shown once to the
manager; at first sign-in the person must set up an authenticator app (TOTP)
before any staff page opens (``AreaAccessMiddleware``). Women's Support
Service is abbreviated WSS.
"""

from __future__ import annotations

import logging
import re
import secrets

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.errors import AccountError
from contacts.models import AuditAction, BackupCodeDevice, User
from contacts.roles import staff_roles_check
from contacts.services.audit import audit_record

logger = logging.getLogger(__name__)

USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,150}$")


def temporary_password() -> str:
    """Four groups of five lower-case letters and digits: easy to read out."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def _set_roles(actor: User, user: User, role_names: list[str], is_duty_worker: bool) -> None:
    staff_roles_check(actor=actor, user=user, role_names=role_names, is_duty_worker=is_duty_worker)
    user.groups.set(Group.objects.filter(name__in=role_names))
    user._role_names = frozenset(role_names)


def staff_account_create(
    *,
    actor: User,
    username: str,
    role_names: list[str],
    email: str = "",
    first_name: str = "",
    is_duty_worker: bool = False,
    alert_emails: bool = False,
) -> tuple[User, str]:
    """Create a staff account; returns it and its temporary password (shown once)."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountError("bad_username")
    staff_roles_check(actor=actor, user=None, role_names=role_names, is_duty_worker=is_duty_worker)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username, kind=User.Kind.STAFF).exists():
            raise AccountError("username_taken")
        password = temporary_password()
        user = User(
            username=username,
            kind=User.Kind.STAFF,
            email=email.strip(),
            first_name=first_name.strip(),
            is_duty_worker=is_duty_worker,
            alert_emails=alert_emails,
            must_change_password=True,
        )
        user.set_password(password)
        user.save()
        _set_roles(actor, user, role_names, is_duty_worker)
        audit_record(actor=actor, action=AuditAction.STAFF_CREATE, obj=user)
    logger.info("staff account %s created by %s", user.pk, actor.pk)
    return user, password


def staff_account_update(
    *,
    actor: User,
    user: User,
    role_names: list[str],
    email: str,
    is_duty_worker: bool,
    alert_emails: bool,
    is_active: bool,
) -> User:
    if not user.is_staff_member:
        raise AccountError("not_staff")
    if user.pk == actor.pk and not is_active:
        raise AccountError("own_account")
    with transaction.atomic():
        # Lock the account: an allocation to her waits, then sees the new roles.
        User.objects.select_for_update().filter(pk=user.pk).first()
        user.email = email.strip()
        user.is_duty_worker = is_duty_worker
        user.alert_emails = alert_emails
        was_active, user.is_active = user.is_active, is_active
        _set_roles(actor, user, role_names, is_duty_worker)
        user.save(update_fields=["email", "is_duty_worker", "alert_emails", "is_active"])
        audit_record(actor=actor, action=AuditAction.STAFF_UPDATE, obj=user)
        if was_active and not is_active:
            _delete_sessions(user)
    return user


def _delete_sessions(user: User) -> int:
    """End every live session of ``user`` (database sessions)."""
    ended = 0
    target = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == target:
            session.delete()
            ended += 1
    return ended


def own_session_end(*, actor: User, token: str) -> bool:
    """End one of ``actor``'s own sessions, named by its token (never its key).
    False if no live session of hers has that token."""
    from importlib import import_module

    from django.conf import settings

    from contacts.sessions import live_sessions_of, session_token

    engine = import_module(settings.SESSION_ENGINE)
    for key, _data in live_sessions_of(actor.pk):
        if session_token(key) == token:
            with transaction.atomic():
                engine.SessionStore(session_key=key).delete()
                audit_record(actor=actor, action=AuditAction.STAFF_SESSION_END, obj=actor)
            logger.info("user %s ended one of their sessions", actor.pk)
            return True
    return False


def user_sessions_revoke(*, actor: User, user: User) -> int:
    """Sign ``user`` out everywhere at once. Returns how many sessions ended."""
    with transaction.atomic():
        ended = _delete_sessions(user)
        audit_record(actor=actor, action=AuditAction.USER_SESSIONS_REVOKE, obj=user)
    logger.info("sessions of user %s revoked by %s (%s ended)", user.pk, actor.pk, ended)
    return ended


def staff_totp_reset(*, actor: User, user: User) -> None:
    """Remove a staff member's authenticator (lost phone) and sign them out.

    At next sign-in they must set up a new one before any staff page opens."""
    if not user.is_staff_member:
        raise AccountError("not_staff")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        _delete_sessions(user)
        audit_record(actor=actor, action=AuditAction.STAFF_TOTP_RESET, obj=user)


def staff_password_reset(*, actor: User, user: User) -> str:
    """A new temporary password (shown once), and every session ended."""
    if not user.is_staff_member:
        raise AccountError("not_staff")
    with transaction.atomic():
        password = temporary_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        _delete_sessions(user)
        audit_record(actor=actor, action=AuditAction.STAFF_PASSWORD_RESET, obj=user)
    return password


def staff_password_change(*, actor: User, new_password: str) -> None:
    """A staff member chooses her own password (the form has checked her old one
    and Django's password validators). Her other sessions end: their session
    hash no longer matches; the view keeps the one she is using."""
    if not actor.is_staff_member:
        raise AccountError("not_staff")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        audit_record(actor=actor, action=AuditAction.STAFF_PASSWORD_CHANGE, obj=actor)
    logger.info("staff member %s changed their password", actor.pk)


def staff_preferences_update(*, actor: User, email: str, alert_emails: bool) -> None:
    """A staff member's own choice: the address for alert emails, and whether
    to get them at all."""
    with transaction.atomic():
        actor.email = email
        actor.alert_emails = alert_emails
        actor.save(update_fields=["email", "alert_emails"])
        audit_record(actor=actor, action=AuditAction.STAFF_PREFERENCES, obj=actor)
