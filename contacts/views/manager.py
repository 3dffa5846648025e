"""Service manager: opening cases (with the activation code), allocations and
links, staff accounts and roles, sign-in controls, the audit log, disclosures
and aggregate reports. A manager sees allocations and aggregates, never her
messages (SPEC 2). WSS means Women's Support Service."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import policy, selectors, services
from ..errors import AccountError, AllocationError, PortalError
from ..forms import (
    AllocateForm,
    AuditFilterForm,
    LinkParticipantForm,
    StaffAccountEditForm,
    StaffAccountForm,
    SurvivorOpenForm,
)
from ..models import AuditAction
from ..spreadsheet import csv_safe
from .common import found, staff_page, staff_read_record

manager_page = staff_page(policy.can_manage_accounts)
reports_page = staff_page(policy.can_read_audit_and_reports)


# --- Cases and allocations ----------------------------------------------------------


@manager_page
def allocation_list(request: HttpRequest) -> HttpResponse:
    survivors = selectors.allocations()
    staff_read_record(request, AuditAction.ALLOCATIONS_VIEW)
    return render(
        request,
        "staff/allocation_list.html",
        {"survivors": survivors, "form": AllocateForm(), "link_form": LinkParticipantForm()},
    )


@manager_page
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    """Open her case and (optionally) issue the one-time code for her account."""
    form = SurvivorOpenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            survivor, code = services.survivor_open(actor=request.user, **form.cleaned_data)
        except (AllocationError, PortalError) as failure:
            error = failure.message
        else:
            messages.success(request, f"Case {survivor.pk} opened.")
            if code:
                return render(
                    request, "staff/activation_code.html", {"survivor": survivor, "code": code}
                )
            return HttpResponseRedirect(reverse("staff-allocations"))
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/case_open.html", {"form": form, "error": error}, status=status)


@manager_page
@require_http_methods(["POST"])
def allocation_change(request: HttpRequest, case_id: int) -> HttpResponse:
    survivor = found(selectors.survivor_for_manager(survivor_id=case_id))
    form = AllocateForm(request.POST)
    if form.is_valid():
        try:
            services.survivor_allocate(
                actor=request.user, survivor=survivor, worker=form.cleaned_data["worker"]
            )
        except AllocationError as error:
            messages.error(request, f"Case {survivor.pk}: {error.message}")
        else:
            messages.success(request, f"Case {survivor.pk} allocated.")
    else:
        messages.error(request, "Choose a worker from the list.")
    return HttpResponseRedirect(reverse("staff-allocations"))


@manager_page
@require_http_methods(["POST"])
def allocation_link(request: HttpRequest, case_id: int) -> HttpResponse:
    """Link her to the man on the programme (the programme side sees nothing)."""
    survivor = found(selectors.survivor_for_manager(survivor_id=case_id))
    form = LinkParticipantForm(request.POST)
    if form.is_valid():
        try:
            services.survivor_link_participant(
                actor=request.user, survivor=survivor, participant=form.cleaned_data["participant"]
            )
        except AllocationError as error:
            messages.error(request, f"Case {survivor.pk}: {error.message}")
        else:
            messages.success(request, f"Case {survivor.pk} link saved.")
    else:
        messages.error(request, "Choose a participant from the list.")
    return HttpResponseRedirect(reverse("staff-allocations"))


@manager_page
@require_http_methods(["POST"])
def allocation_code(request: HttpRequest, case_id: int) -> HttpResponse:
    survivor = found(selectors.survivor_for_manager(survivor_id=case_id))
    code = services.activation_code_issue(actor=request.user, survivor=survivor)
    return render(request, "staff/activation_code.html", {"survivor": survivor, "code": code})


@manager_page
@require_http_methods(["POST"])
def allocation_unlock(request: HttpRequest, case_id: int) -> HttpResponse:
    survivor = found(selectors.survivor_for_manager(survivor_id=case_id))
    try:
        services.survivor_lockout_lift(actor=request.user, survivor=survivor)
    except PortalError as error:
        messages.error(request, f"Case {survivor.pk}: {error.message}")
    else:
        messages.success(request, f"Case {survivor.pk}: she can sign in again now.")
    return HttpResponseRedirect(reverse("staff-allocations"))


@manager_page
@require_http_methods(["POST"])
def allocation_sessions(request: HttpRequest, case_id: int) -> HttpResponse:
    """Sign her portal account out everywhere (e.g. a phone he has taken)."""
    survivor = found(selectors.survivor_for_manager(survivor_id=case_id))
    if survivor.user is None:
        messages.error(request, f"Case {survivor.pk} has no portal account yet.")
    else:
        ended = services.user_sessions_revoke(actor=request.user, user=survivor.user)
        messages.success(request, f"Case {survivor.pk}: {ended} session(s) ended.")
    return HttpResponseRedirect(reverse("staff-allocations"))


# --- Staff accounts -------------------------------------------------------------------


@manager_page
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/staff_list.html", {"people": selectors.staff_accounts()})


@manager_page
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.staff_account_create(
                actor=request.user,
                username=data["username"],
                role_names=data["roles"],
                email=data["email"],
                first_name=data["first_name"],
                is_duty_worker=data["is_duty_worker"],
                alert_emails=data["alert_emails"],
            )
        except AccountError as failure:
            error = failure.message
        else:
            return render(
                request, "staff/staff_password.html", {"person": user, "password": password}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/staff_form.html", {"form": form, "error": error}, status=status)


@manager_page
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    person = found(selectors.staff_account(user_id=user_id))
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
            services.staff_account_update(
                actor=request.user,
                user=person,
                role_names=data["roles"],
                email=data["email"],
                is_duty_worker=data["is_duty_worker"],
                alert_emails=data["alert_emails"],
                is_active=data["is_active"],
            )
        except AccountError as failure:
            error = failure.message
        else:
            messages.success(request, f"{person.username} saved.")
            return HttpResponseRedirect(reverse("staff-people"))
    status = 400 if request.method == "POST" else 200
    has_authenticator = person.totpdevice_set.filter(confirmed=True).exists()
    return render(
        request,
        "staff/staff_edit.html",
        {"person": person, "form": form, "error": error, "has_authenticator": has_authenticator},
        status=status,
    )


@manager_page
@require_http_methods(["POST"])
def staff_sessions(request: HttpRequest, user_id: int) -> HttpResponse:
    person = found(selectors.staff_account(user_id=user_id))
    ended = services.user_sessions_revoke(actor=request.user, user=person)
    messages.success(request, f"{person.username}: {ended} session(s) ended.")
    return HttpResponseRedirect(reverse("staff-person", args=[person.pk]))


@manager_page
@require_http_methods(["POST"])
def staff_authenticator(request: HttpRequest, user_id: int) -> HttpResponse:
    person = found(selectors.staff_account(user_id=user_id))
    services.staff_totp_reset(actor=request.user, user=person)
    messages.success(
        request,
        f"{person.username}'s authenticator was removed and they were signed out. "
        "They set up a new one at their next sign-in.",
    )
    return HttpResponseRedirect(reverse("staff-person", args=[person.pk]))


@manager_page
@require_http_methods(["POST"])
def staff_password(request: HttpRequest, user_id: int) -> HttpResponse:
    person = found(selectors.staff_account(user_id=user_id))
    password = services.staff_password_reset(actor=request.user, user=person)
    return render(request, "staff/staff_password.html", {"person": person, "password": password})


# --- Audit, disclosures, reports ----------------------------------------------------------


@reports_page
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_actions())
    filters: dict[str, object] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["actor"].pk if data["actor"] else None,
            "survivor_id": data["case"],
            "action": data["action"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = selectors.audit_events(**filters) if not form.errors else selectors.audit_events()
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    staff_read_record(request, AuditAction.AUDIT_VIEW)
    return render(
        request,
        "staff/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@reports_page
def disclosure_list(request: HttpRequest) -> HttpResponse:
    staff_read_record(request, AuditAction.DISCLOSURES_VIEW)
    return render(
        request,
        "staff/disclosure_list.html",
        {"disclosures": selectors.disclosures_for_manager()},
    )


@reports_page
def reports(request: HttpRequest) -> HttpResponse:
    report = selectors.monthly_report()
    return render(request, "staff/reports.html", {"report": report})


@reports_page
def reports_csv(request: HttpRequest) -> HttpResponse:
    report = selectors.monthly_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="monthly-report.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(cell) for cell in ["", *report.month_labels]])
    for row in report.rows:
        writer.writerow([csv_safe(cell) for cell in [row.label, *row.cells]])
    return response
