"""Service manager: staff accounts and roles, their sign-in controls (sessions,
authenticator, password), and the audit log, on screen and as CSV. Her case's
allocation and the disclosures list are in ``survivors/views/manager.py``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.errors import AccountError
from contacts.forms import AuditFilterForm, StaffAccountEditForm, StaffAccountForm
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.selectors import audit, sign_in, staff
from contacts.services import accounts
from contacts.spreadsheet import csv_safe
from contacts.views.common import found, staff_page, staff_read_record

manager_page = staff_page(policy.can_manage_accounts)
reports_page = staff_page(policy.can_read_audit_and_reports)


# --- Staff accounts -------------------------------------------------------------------


@manager_page
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = staff.staff_accounts_page(params=request.GET)
    return render(
        request,
        "staff/staff_list.html",
        {"listing": listing},
        status=400 if listing.invalid else 200,
    )


@manager_page
@require_http_methods(["GET", "POST"])
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = accounts.staff_account_create(
                actor=request.user,
                username=data["username"],
                role_names=data["roles"],
                email=data["email"],
                first_name=data["first_name"],
                is_duty_worker=data["is_duty_worker"],
                alert_emails=data["alert_emails"],
            )
        except AccountError as failure:
            error = str(failure.message)
        else:
            return render(
                request, "staff/staff_password.html", {"person": user, "password": password}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/staff_form.html", {"form": form, "error": error}, status=status)


@manager_page
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = found(staff.staff_account(user_id=user_id))
    initial = {
        "email": person.email,
        "roles": list(person.groups.values_list("name", flat=True)),
        "is_duty_worker": person.is_duty_worker,
        "alert_emails": person.alert_emails,
        "is_active": person.is_active,
    }
    form = StaffAccountEditForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.staff_account_update(
                actor=request.user,
                user=person,
                role_names=data["roles"],
                email=data["email"],
                is_duty_worker=data["is_duty_worker"],
                alert_emails=data["alert_emails"],
                is_active=data["is_active"],
            )
        except AccountError as failure:
            error = str(failure.message)
        else:
            messages.success(request, f"{person.username} saved.")
            return HttpResponseRedirect(reverse("staff-people"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "staff/staff_edit.html",
        {
            "person": person,
            "form": form,
            "error": error,
            "has_authenticator": sign_in.has_authenticator(user=person),
        },
        status=status,
    )


@manager_page
@require_http_methods(["POST"])
def staff_sessions(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = found(staff.staff_account(user_id=user_id))
    ended = accounts.user_sessions_revoke(actor=request.user, user=person)
    messages.success(
        request,
        f"{person.username}: {ended} session{pluralize(ended)} ended.",
    )
    return HttpResponseRedirect(reverse("staff-person", args=[person.pk]))


@manager_page
@require_http_methods(["POST"])
def staff_authenticator(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = found(staff.staff_account(user_id=user_id))
    accounts.staff_totp_reset(actor=request.user, user=person)
    messages.success(
        request,
        f"{person.username}'s authenticator was removed and they were signed out. "
        "They set up a new one at their next sign-in.",
    )
    return HttpResponseRedirect(reverse("staff-person", args=[person.pk]))


@manager_page
@require_http_methods(["POST"])
def staff_password(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = found(staff.staff_account(user_id=user_id))
    password = accounts.staff_password_reset(actor=request.user, user=person)
    return render(request, "staff/staff_password.html", {"person": person, "password": password})


# --- Audit, disclosures, reports ----------------------------------------------------------


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(
        request.GET if set(request.GET) - {"page"} else None, actions=audit.audit_actions()
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["actor"],
            "survivor_id": data["case"],
            "action": data["action"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    return form, filters


@reports_page
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _audit_filters(request)
    events = audit.audit_events(**filters)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, audit.describe(event)) for event in page]
    staff_read_record(request, AuditAction.AUDIT_VIEW)
    return render(
        request,
        "staff/audit_log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@reports_page
def audit_log_csv(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered log as CSV, streamed (it can hold years of rows); every cell
    neutralised so a spreadsheet never runs one as a formula."""
    form, filters = _audit_filters(request)
    if form.errors:
        return HttpResponse(
            "The filters are not valid; nothing was exported.",
            status=400,
            content_type="text/plain",
        )
    staff_read_record(request, AuditAction.AUDIT_EXPORT)
    pseudo_buffer = _Echo()
    writer = csv.writer(pseudo_buffer)

    def lines() -> Iterator[str]:
        yield writer.writerow(["when", "who", "what", "action", "object", "case"])
        for event in audit.audit_events(**filters).iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    csv_safe(cell)
                    for cell in (
                        event.at.isoformat(),
                        event.actor.username if event.actor else "system",
                        audit.describe(event),
                        event.action,
                        f"{event.object_type} {event.object_id}".strip(),
                        event.survivor_id or "",
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


class _Echo:
    """csv.writer writes into this and gets the line back (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value
