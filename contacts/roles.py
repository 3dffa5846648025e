"""Staff roles as groups (SPEC 1), with the Wagtail permissions comms staff and
managers use.

Created (and kept in step) after every ``migrate``. Survivors are users of
kind ``survivor`` and belong to no group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

if TYPE_CHECKING:
    from contacts.models import User

WSS_WORKER = "WSS worker"
PROGRAMME_WORKER = "Programme worker"
COMMS_STAFF = "Comms staff"
SERVICE_MANAGER = "Service manager"
ALL_ROLES = (WSS_WORKER, PROGRAMME_WORKER, COMMS_STAFF, SERVICE_MANAGER)

# One person, one side (SPEC 2). The programme side is the programme worker; the
# Women's Support Service (WSS) side is the WSS worker (a duty worker is a WSS
# worker with a flag) and the service manager, who sees allocations, so who is
# linked to which man. Comms staff hold neither side's data (information pages
# and site wording in the Wagtail admin, never a survivor or a participant), so
# the role may sit beside either side.
PROGRAMME_SIDE = frozenset({PROGRAMME_WORKER})
WSS_SIDE = frozenset({WSS_WORKER, SERVICE_MANAGER})
NEUTRAL_ROLES = frozenset({COMMS_STAFF})


def role_set_problem(role_names: Iterable[str]) -> str | None:
    """Why this set of roles may not be held by one account, or None.

    * ``both_sides``: a programme-side role with a WSS-side role.
    * ``manager_and_worker``: service manager with WSS worker. Reading her
      messages is never a manager's right (SPEC 3) and a WSS worker reads the
      messages of her caseload, so one account cannot be both; a manager who
      also supports women needs a second, separate WSS worker account, which she
      cannot create or allocate to herself unseen (every step is audited, and no
      one changes their own roles).
    """
    names = frozenset(role_names)
    if names & PROGRAMME_SIDE and names & WSS_SIDE:
        return "both_sides"
    if {WSS_WORKER, SERVICE_MANAGER} <= names:
        return "manager_and_worker"
    return None


def staff_roles_check(
    *,
    actor: User,
    user: User | None,
    role_names: list[str],
    is_duty_worker: bool = False,
    allow_no_role: bool = False,
) -> None:
    """The role rules (SPEC 2, 3), for a new account (``user`` None) or a change.

    One person, one side; a manager is never also a WSS worker; no one changes
    their own roles; nobody stops being a WSS worker while holding cases.
    Raises ``AccountError``. Every way of setting roles (the staff pages, the
    Django admin, the Wagtail users admin) goes through here; only the admin,
    for operations accounts, allows an account with no role. It lives beside the
    roles, not in the services, so ``cms`` can ask it without importing them."""
    from contacts.errors import AccountError

    unknown = set(role_names) - set(ALL_ROLES)
    if unknown or not (role_names or allow_no_role):
        raise AccountError("no_role")
    current = set(user.groups.values_list("name", flat=True)) if user and user.pk else set()
    if user is not None and user.pk == actor.pk and current != set(role_names):
        raise AccountError("own_roles")
    problem = role_set_problem(role_names)
    if problem:
        raise AccountError(problem)
    if is_duty_worker and WSS_WORKER not in role_names:
        raise AccountError("not_wss_for_duty")
    if (
        WSS_WORKER in current
        and WSS_WORKER not in role_names
        and user is not None
        and user.caseload.exists()  # her cases, through the reverse accessor
    ):
        raise AccountError("has_cases")


# Django permissions, only where something checks them: the Wagtail admin (comms
# staff and managers). The staff pages ask ``contacts.policy`` (roles, caseload,
# side), and the Django admin is for operations superusers only, so no role holds
# a ``contacts.*`` model permission: nothing would ever read it.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    WSS_WORKER: [],
    PROGRAMME_WORKER: [],
    COMMS_STAFF: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        # Portal wording (SPEC 4): status explanations and the neutral branding.
        "cms.add_statusexplanation",
        "cms.change_statusexplanation",
        "cms.delete_statusexplanation",
        "cms.view_statusexplanation",
        "cms.change_brandingsettings",
        # What the groups work on (SPEC 10): topics her status page names.
        "programme.add_programmemodule",
        "programme.change_programmemodule",
        "programme.delete_programmemodule",
        "programme.view_programmemodule",
        # Her language (SPEC 11): the "Translate" action on pages and snippets.
        "simple_translation.submit_translation",
    ],
    SERVICE_MANAGER: ["wagtailadmin.access_admin"],
}

# Page permissions in the Wagtail tree (comms staff edit information pages).
COMMS_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def _permissions(names: list[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def roles_ensure() -> dict[str, Group]:
    """Create the role groups and set their permissions; idempotent."""
    groups = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))
        groups[role] = group
    _grant_comms_page_permissions(groups[COMMS_STAFF])
    return groups


def _grant_comms_page_permissions(group: Group) -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for codename in COMMS_PAGE_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def ensure_roles_after_migrate(sender: AppConfig, **kwargs: object) -> None:
    roles_ensure()
