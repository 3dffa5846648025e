"""The persistent staff menu: what the signed-in person's roles allow, and
nothing else. A programme worker's menu names only programme things and a
Women's Support Service (WSS) worker's only WSS things (SPEC 2: one person,
one side); a manager reads both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from wagtail.permission_policies.pages import PagePermissionPolicy

from contacts import policy, roles
from contacts.models import User

register = template.Library()


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


# How many items wait behind a menu entry, by its URL name: registered by the
# apps above this one (``survivors`` registers its triage queue's count), which
# this module never imports (the apps form layers).
MENU_COUNTS: dict[str, Callable[[], int]] = {}


def _counted(label: str, url_name: str) -> str:
    count = MENU_COUNTS.get(url_name)
    return f"{label} ({count()} waiting)" if count is not None else label


def menu_entries(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """(label, URL) pairs for this person, in the order the menu shows them."""
    entries: list[tuple[str, str]] = []
    if policy.is_wss_worker(user):
        entries.append(("My caseload", reverse("staff-caseload")))
    if policy.is_duty_worker(user):
        entries.append(("Duty", reverse("staff-duty")))
    if policy.can_triage_referrals(user):
        # The triage queue (SPEC 13), with how many referrals wait in it.
        entries.append((_counted("Referrals", "staff-referrals"), reverse("staff-referrals")))
    elif policy.can_record_referral(user):
        entries.append(("Record a referral", reverse("staff-referral-new")))
    if policy.is_manager(user):
        entries += [
            ("Cases and allocations", reverse("staff-allocations")),
            ("Disclosures", reverse("staff-disclosures")),
            ("Records requests", reverse("staff-records-requests")),
            # Who read her record, breaches (SPEC 12)
            ("Access alerts", reverse("staff-access-alerts")),
            ("Breaches", reverse("staff-breaches")),
            # Outcomes, with her consent (SPEC 14): the questions, held as data
            ("Outcome questions", reverse("staff-outcome-questions")),
        ]
    if policy.can_use_programme_side(user):
        entries += [
            ("Groups", reverse("staff-groups")),
            ("Participants", reverse("staff-participants")),
            ("Monthly entries", reverse("staff-case-management")),
        ]
    # One page, named in each side's own words (SPEC 2: one person, one side).
    if policy.can_use_programme_side(user):
        entries.append(("Information sessions", reverse("staff-info-sessions")))
    elif policy.is_wss_worker(user):
        entries.append(("Information meetings", reverse("staff-info-sessions")))
    if policy.can_record_programme_data(user):
        entries.append(("Import a register", reverse("staff-register-import")))
    if policy.can_manage_accounts(user):
        entries.append(("Staff accounts", reverse("staff-people")))
    if policy.can_read_audit_and_reports(user):
        entries += [
            ("Audit log", reverse("staff-audit")),
            ("Monthly reports", reverse("staff-reports")),
            ("Retention", reverse("staff-retention")),
        ]
    if policy.can_edit_sms_texts(user):
        entries.append(("Texts", reverse("staff-sms-texts")))
    if policy.can_use_editor(user) and can_edit_pages(user):
        entries.append(("Information pages", reverse("wagtailadmin_explore_root")))
    entries += [
        ("My account", reverse("staff-account")),
        ("Sign-in and security", reverse("staff-security")),
    ]
    return entries


def can_edit_pages(user: User | AnonymousUser) -> bool:
    """Whether Wagtail lets this person edit any page: comms staff (and operations
    superusers). A manager may open the editor but edits no page in it, so a
    link there would only say "you do not have permission": the menu shows only
    links the person can use."""
    return PagePermissionPolicy().explorable_root_instance(user) is not None


def role_label(user: User | AnonymousUser) -> str:
    names = policy.role_names(user)
    return ", ".join(name for name in roles.ALL_ROLES if name in names)


@register.inclusion_tag("staff/_menu.html", takes_context=True)
def staff_menu(context: template.Context) -> dict[str, object]:
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    verified = getattr(user, "is_verified", None)
    if (
        request is None
        or not isinstance(user, User)
        or not policy.is_staff_member(user)
        or not (verified and verified())
    ):
        return {"show": False}
    items = []
    for label, url in menu_entries(user):
        items.append(MenuItem(label, url, current=request.path.startswith(url)))
    return {
        "show": True,
        "items": items,
        "person": user.get_full_name() or user.get_username(),
        "roles": role_label(user),
    }
