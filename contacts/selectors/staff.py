"""Reads for the service manager: staff accounts, allocations, disclosures.
A manager sees allocations and aggregates, never her messages (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict

from contacts import roles
from contacts.models import User
from contacts.selectors.listing import ListPage, StaffFilterSet, list_page


def staff_accounts() -> QuerySet[User]:
    from django.contrib.auth.models import Group

    return (
        User.objects.filter(kind=User.Kind.STAFF)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("username")
    )


class StaffAccountFilter(StaffFilterSet):
    q = django_filters.CharFilter(method="search", label="Name or username")
    role = django_filters.ChoiceFilter(
        field_name="groups__name",
        label="Role",
        choices=[(name, name) for name in roles.ALL_ROLES],
        empty_label="Any role",
    )
    active = django_filters.ChoiceFilter(
        field_name="is_active",
        choices=[("true", "Active"), ("false", "Closed")],
        empty_label="Active or closed",
        method="by_active",
    )
    sort = django_filters.OrderingFilter(
        fields=(("username", "username"), ("last_login", "last_sign_in")),
        field_labels={"username": "Username", "last_login": "Last sign-in"},
        label="Sort by",
        empty_label="Username",
    )

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )

    def by_active(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(is_active=value == "true")


def staff_accounts_page(*, params: QueryDict) -> ListPage:
    return list_page(StaffAccountFilter, staff_accounts().order_by("username", "pk"), params)


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
    found: list[RoleViolation] = []
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


@dataclass(frozen=True)
class BackupCodeStatus:
    has_set: bool
    remaining: int
    made_at: object | None
    uses: list[object]  # when each used code was used, newest first


def backup_code_status(*, user: User) -> BackupCodeStatus:
    """How many of her backup codes are left, and when any were used (she sees
    a use she did not make)."""
    from contacts.models import BackupCodeDevice

    device = BackupCodeDevice.objects.filter(user=user).first()
    if device is None:
        return BackupCodeStatus(False, 0, None, [])
    used_times = list(
        device.codes.filter(used_at__isnull=False)
        .order_by("-used_at")
        .values_list("used_at", flat=True)
    )
    total = device.codes.count()
    return BackupCodeStatus(True, total - len(used_times), device.created_at, used_times)
