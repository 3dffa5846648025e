"""Service manager, Women's Support Service (WSS) side: opening cases (with the
activation code), allocations and links to a participant, her sign-in
controls, and the disclosures list. A manager sees allocations and
aggregates, never her messages (SPEC 2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.services import accounts
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import AllocationError, PortalError
from survivors.forms import AllocateForm, LinkParticipantForm, SurvivorOpenForm
from survivors.models import Survivor
from survivors.selectors import lists as list_selectors
from survivors.selectors import manager
from survivors.selectors.contact_changes import contact_changes_for_case
from survivors.services import cases as cases_services
from survivors.services.activation import activation_code_issue, survivor_lockout_lift

manager_page = staff_page(policy.can_manage_accounts)
reports_page = staff_page(policy.can_read_audit_and_reports)


@manager_page
def allocation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_selectors.allocations_page(params=request.GET)
    # Each name on the page is a read of her record (SPEC 12): one row per case.
    staff_read_record(
        request, AuditAction.ALLOCATIONS_VIEW, shown=[survivor.pk for survivor in listing.page]
    )
    return render(
        request,
        "staff/allocation_list.html",
        {"listing": listing},
        status=400 if listing.invalid else 200,
    )


def _allocation_page(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    reference = survivor.participant.reference if survivor.participant else ""
    return render(
        request,
        "staff/allocation_case.html",
        {
            "survivor": survivor,
            "form": AllocateForm(initial={"worker": survivor.worker_id}),
            "link_form": LinkParticipantForm(initial={"reference": reference}),
            # Who changed her contact details, when and how checked (SPEC 12): no values.
            "contact_changes": contact_changes_for_case(survivor=survivor),
        },
    )


@manager_page
@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open her case and (optionally) issue the one-time code for her account."""
    form = SurvivorOpenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            survivor, code = cases_services.survivor_open(actor=request.user, **form.cleaned_data)
        except (AllocationError, PortalError) as failure:
            error = str(failure.message)
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
@require_http_methods(["GET", "POST"])
def allocation_change(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """One case's allocation: its worker (one list of workers) and its link."""
    survivor = found(manager.survivor_for_manager(survivor_id=case_id))
    if request.method == "GET":
        staff_read_record(request, AuditAction.ALLOCATION_VIEW, obj=survivor, survivor=survivor)
        return _allocation_page(request, survivor)
    form = AllocateForm(request.POST)
    if form.is_valid():
        try:
            cases_services.survivor_allocate(
                actor=request.user, survivor=survivor, worker=form.cleaned_data["worker"]
            )
        except AllocationError as error:
            messages.error(request, f"Case {survivor.pk}: {error.message}")
        else:
            messages.success(request, f"Case {survivor.pk} allocated.")
    else:
        messages.error(request, "Choose a worker from the list.")
    return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor.pk]))


@manager_page
@require_http_methods(["POST"])
def allocation_link(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Link her to the man on the programme (the programme side sees nothing)."""
    survivor = found(manager.survivor_for_manager(survivor_id=case_id))
    form = LinkParticipantForm(request.POST)
    if form.is_valid():
        try:
            cases_services.survivor_link_participant(
                actor=request.user, survivor=survivor, participant=form.cleaned_data["participant"]
            )
        except AllocationError as error:
            messages.error(request, f"Case {survivor.pk}: {error.message}")
        else:
            messages.success(request, f"Case {survivor.pk} link saved.")
    else:
        errors = " ".join(str(error) for error in form.non_field_errors())
        messages.error(request, errors or "Check the reference.")
    return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor.pk]))


@manager_page
@require_http_methods(["POST"])
def allocation_code(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = found(manager.survivor_for_manager(survivor_id=case_id))
    try:
        code = activation_code_issue(actor=request.user, survivor=survivor)
    except PortalError as error:
        messages.error(request, f"Case {survivor.pk}: {error.message}")
        return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor.pk]))
    return render(request, "staff/activation_code.html", {"survivor": survivor, "code": code})


@manager_page
@require_http_methods(["POST"])
def allocation_unlock(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = found(manager.survivor_for_manager(survivor_id=case_id))
    try:
        survivor_lockout_lift(actor=request.user, survivor=survivor)
    except PortalError as error:
        messages.error(request, f"Case {survivor.pk}: {error.message}")
    else:
        messages.success(request, f"Case {survivor.pk}: she can sign in again now.")
    return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor.pk]))


@manager_page
@require_http_methods(["POST"])
def allocation_sessions(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Sign her portal account out everywhere (e.g. a phone he has taken)."""
    survivor = found(manager.survivor_for_manager(survivor_id=case_id))
    if survivor.user is None:
        messages.error(request, f"Case {survivor.pk} has no portal account yet.")
    else:
        ended = accounts.user_sessions_revoke(actor=request.user, user=survivor.user)
        messages.success(
            request,
            f"Case {survivor.pk}: {ended} session{pluralize(ended)} ended.",
        )
    return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor.pk]))


@reports_page
def disclosure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_selectors.disclosures_page(params=request.GET)
    staff_read_record(request, AuditAction.DISCLOSURES_VIEW)
    return render(
        request,
        "staff/disclosure_list.html",
        {"listing": listing},
        status=400 if listing.invalid else 200,
    )
