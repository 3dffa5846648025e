"""Who may see what: the one place that answers "may this user see this object".

Every view, mixin and middleware asks here. The rule (SPEC 2): nothing about a
survivor reaches the programme side; a Women's Support Service (WSS) worker
sees only her own caseload; a manager sees allocations and aggregates, not
messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeGuard

from contacts import roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from contacts.models import User


class Case(Protocol):
    """Her case, as far as these rules look at it (``survivors.Survivor``)."""

    worker_id: int | None


class CaseAlert(Protocol):
    """An alert on her case (``survivors.Alert``); read-only here."""

    @property
    def survivor(self) -> Case: ...

    @property
    def urgent(self) -> bool: ...


def role_names(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_survivor(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.kind == "survivor")


def is_staff_member(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.kind == "staff")


def has_role(user: User | AnonymousUser, role: str) -> bool:
    return is_staff_member(user) and role in role_names(user)


def is_wss_worker(user: User | AnonymousUser) -> TypeGuard[User]:
    """A WSS worker now, and nothing that may not sit beside it (SPEC 2, 3).

    Read at the time of use, on every request: an account that was switched to
    the programme side, or that also holds the manager role (data from before
    the rule, see ``manage.py check_roles``), gets no WSS-side page at all."""
    names = role_names(user)
    return (
        is_staff_member(user)
        and roles.WSS_WORKER in names
        and roles.role_set_problem(names) is None
    )


def is_programme_worker(user: User | AnonymousUser) -> bool:
    return has_role(user, roles.PROGRAMME_WORKER)


def is_manager(user: User | AnonymousUser) -> bool:
    return has_role(user, roles.SERVICE_MANAGER)


def is_comms(user: User | AnonymousUser) -> bool:
    return has_role(user, roles.COMMS_STAFF)


def is_duty_worker(user: User | AnonymousUser) -> bool:
    return is_wss_worker(user) and bool(user.is_duty_worker)


def can_work_with_survivor(user: User | AnonymousUser, survivor: Case) -> bool:
    """Her own allocated WSS worker, and nobody else, reads her record."""
    return is_wss_worker(user) and survivor.worker_id == user.pk


def can_use_programme_side(user: User | AnonymousUser) -> bool:
    return is_programme_worker(user) or is_manager(user)


def can_record_programme_data(user: User | AnonymousUser) -> bool:
    return is_programme_worker(user)


def can_use_editor(user: User | AnonymousUser) -> bool:
    """The Wagtail admin: comms staff and managers only (pages, never survivor data)."""
    return is_comms(user) or is_manager(user) or bool(user.is_superuser)


# --- Staff side (SPEC 3) ----------------------------------------------------------


def can_act_on_alert(user: User | AnonymousUser, alert: CaseAlert) -> bool:
    """Her own worker; for an urgent alert, also the designated duty worker."""
    if can_work_with_survivor(user, alert.survivor):
        return True
    return bool(alert.urgent) and is_duty_worker(user)


def can_cover_case(
    user: User | AnonymousUser, survivor: Case, *, away_worker_ids: set[int]
) -> bool:
    """The duty worker acts on her case, as her worker would, only while her
    worker is away (SPEC 9: cover); never on a duty worker's own caseload."""
    return (
        is_duty_worker(user)
        and survivor.worker_id is not None
        and survivor.worker_id != user.pk
        and survivor.worker_id in away_worker_ids
    )


def can_lift_lockout(user: User | AnonymousUser, survivor: Case) -> bool:
    """Her worker or a manager can let her sign in again before the cool-off ends."""
    return is_manager(user) or can_work_with_survivor(user, survivor)


def can_manage_accounts(user: User | AnonymousUser) -> bool:
    """Create accounts, set roles, allocate, revoke sessions, reset authenticators."""
    return is_manager(user)


def can_read_audit_and_reports(user: User | AnonymousUser) -> bool:
    return is_manager(user)


def can_edit_sms_texts(user: User | AnonymousUser) -> bool:
    """The wording of check-in and nudge texts: the service manager."""
    return is_manager(user)


def can_record_referral(user: User | AnonymousUser) -> bool:
    """An agency's referral (SPEC 13): any WSS worker or the manager records it."""
    return is_wss_worker(user) or is_manager(user)


def can_triage_referrals(user: User | AnonymousUser) -> bool:
    """The triage queue (SPEC 13): the manager and the duty worker."""
    return is_manager(user) or is_duty_worker(user)
