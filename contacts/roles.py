"""Staff roles as groups with permissions (SPEC 1).

Created (and kept in step) after every ``migrate``. Survivors are users of
kind ``survivor`` and belong to no group.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

WSS_WORKER = "WSS worker"
PROGRAMME_WORKER = "Programme worker"
COMMS_STAFF = "Comms staff"
SERVICE_MANAGER = "Service manager"
ALL_ROLES = (WSS_WORKER, PROGRAMME_WORKER, COMMS_STAFF, SERVICE_MANAGER)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    WSS_WORKER: [
        "contacts.view_survivor",
        "contacts.change_survivor",
        "contacts.view_safecontactwindow",
        "contacts.change_safecontactwindow",
        "contacts.view_alert",
        "contacts.change_alert",
        "contacts.add_contactlogentry",
        "contacts.view_contactlogentry",
        "contacts.add_disclosure",
        "contacts.view_disclosure",
        "contacts.add_message",
        "contacts.view_message",
        "contacts.view_participant",
    ],
    PROGRAMME_WORKER: [
        "contacts.view_programmegroup",
        "contacts.add_programmesession",
        "contacts.view_programmesession",
        "contacts.view_participant",
        "contacts.change_participant",
        "contacts.add_attendance",
        "contacts.change_attendance",
        "contacts.view_attendance",
        "contacts.add_statuschange",
        "contacts.view_statuschange",
        "contacts.add_riskconcern",
        "contacts.view_riskconcern",
    ],
    COMMS_STAFF: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        # Portal wording (issue 3): status explanations and the neutral branding.
        "cms.add_statusexplanation",
        "cms.change_statusexplanation",
        "cms.delete_statusexplanation",
        "cms.view_statusexplanation",
        "cms.change_brandingsettings",
    ],
    SERVICE_MANAGER: [
        "wagtailadmin.access_admin",
        "contacts.add_survivor",
        "contacts.view_survivor",
        "contacts.add_allocation",
        "contacts.view_allocation",
        "contacts.view_auditevent",
        "contacts.view_disclosure",
        "contacts.view_participant",
        "contacts.view_programmegroup",
    ],
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
