"""Programme side: the monthly case-management list and entry, and programme
reports (SPEC 10). The same pages, forms, messages and queries for every man,
whether or not anyone is linked to him (SPEC 2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import found, staff_page
from programme.errors import ProgrammeError
from programme.forms import CaseEntryForm, MonthForm, ProgrammeReportForm
from programme.selectors import casework as casework_selectors
from programme.selectors import records as records_selectors
from programme.services import casework as casework_services


@staff_page(policy.can_use_programme_side)
def case_management(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This month's (or a chosen month's) entries, a page at a time, searched
    and filtered like the participants list: who is done, who is still due."""
    form = MonthForm(request.GET or None)
    month = casework_services.month_start()
    if form.is_valid() and form.cleaned_data["month"]:
        month = casework_services.month_start(form.cleaned_data["month"])
    listed = casework_selectors.case_management_month(month=month, params=request.GET)
    return render(
        request,
        "staff/case_management.html",
        {
            "month": listed,
            "listing": listed.listing,
            "current": month == casework_services.month_start(),
            "can_record": policy.can_record_programme_data(request.user),
        },
        status=400 if listed.listing.invalid else 200,
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def case_entry(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    participant = found(records_selectors.participant(participant_id=participant_id))
    month = casework_services.month_start()
    existing = casework_selectors.case_entry_for_month(participant=participant, month=month)
    form = CaseEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            casework_services.case_entry_record(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ProgrammeError as error:
            field = "risk_occurred_on" if error.code == "in_future" else None
            form.add_error("risk_kind" if error.code == "risk_incomplete" else field, error.message)
        else:
            messages.success(request, "Case-management entry recorded.")
            return HttpResponseRedirect(reverse("staff-participant", args=[participant.pk]))
    return render(
        request,
        "staff/case_entry_form.html",
        {"participant": participant, "form": form, "month": month, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def report_add(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    participant = found(records_selectors.participant(participant_id=participant_id))
    form = ProgrammeReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            casework_services.report_attach(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ProgrammeError as error:
            form.add_error("text" if error.code != "unknown_report_kind" else "kind", error.message)
        else:
            messages.success(request, "Report added.")
            return HttpResponseRedirect(reverse("staff-participant", args=[participant.pk]))
    return render(
        request,
        "staff/programme_report_form.html",
        {"participant": participant, "form": form},
        status=400 if request.method == "POST" else 200,
    )
