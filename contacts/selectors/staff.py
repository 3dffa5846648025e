"""Reads for the service manager: staff accounts, allocations, disclosures.
A manager sees allocations and aggregates, never her messages (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from contacts import roles
from contacts.models import User


def staff_accounts() -> QuerySet[User]:
    from django.contrib.auth.models import Group

    return (
        User.objects.filter(kind=User.Kind.STAFF)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("username")
    )


def staff_account(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, kind=User.Kind.STAFF).first()


@dataclass(frozen=True)
class RoleViolation:
    user_id: int
    username: str
    problem: str


ROLE_PROBLEMS = {
    "both_sides": "holds a programme role and a WSS-side role",
    "manager_and_worker": "is a service manager and a WSS worker",
    "duty_not_wss": "is marked duty worker without being a WSS worker",
    "cases_not_wss": "holds cases without being a WSS worker (reallocate them)",
    "survivor_with_role": "is a portal account with a staff role",
}


def role_rule_violations() -> list[RoleViolation]:
    """Every account that breaks the role rules (SPEC 2, 3), oldest account first.

    Accounts made before the rules were enforced, or edited past the services;
    ``manage.py check_roles`` reports them."""
    from django.contrib.auth.models import Group

    users = User.objects.prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("name"))
    ).order_by("pk")
    holding_cases = set(User.objects.filter(caseload__isnull=False).values_list("pk", flat=True))
    found = []
    for user in users:
        names = {group.name for group in user.groups.all()}
        problems = []
        if user.kind == User.Kind.SURVIVOR and names:
            problems.append("survivor_with_role")
        problem = roles.role_set_problem(names)
        if problem:
            problems.append(problem)
        is_wss = roles.WSS_WORKER in names and problem is None
        if user.is_duty_worker and not is_wss:
            problems.append("duty_not_wss")
        if user.pk in holding_cases and not (is_wss and user.kind == User.Kind.STAFF):
            problems.append("cases_not_wss")
        # A portal account's username is hers: ids only for those.
        username = user.username if user.kind == User.Kind.STAFF else ""
        found.extend(RoleViolation(user.pk, username, p) for p in problems)
    return found
