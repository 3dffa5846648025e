"""Her casework (SPEC 9), for her own Women's Support Service (WSS) worker only:
moving her case through its stages, offering re-engagement inside her safe
times, and the risk checklist with its history. Every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_page
from survivors.errors import (
    CaseError,
    ContactLogError,
    DisclosureError,
    MaracError,
    RiskAssessmentError,
)
from survivors.forms import (
    CaseStateForm,
    MaracCloseForm,
    MaracReferralForm,
    ReengagementForm,
    RiskChecklistForm,
)
from survivors.selectors import casework as casework_selectors
from survivors.services import casework as casework_services
from survivors.services import marac as marac_services
from survivors.views.common import own_case


def _back_to_case(case_id: int, anchor: str = "casework") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("staff-case", args=[case_id]) + f"#{anchor}")


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_state(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    form = CaseStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the stage to move the case to.")
        return _back_to_case(case_id)
    try:
        casework_services.case_state_change(
            actor=request.user,
            survivor=survivor,
            to_state=form.cleaned_data["to_state"],
            outcome=form.cleaned_data["outcome"],
        )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Case {case_id} is now: {survivor.get_case_state_display()}.")
    return _back_to_case(case_id)


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_reengage(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    form = ReengagementForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you contacted her and what came of it.")
        return _back_to_case(case_id)
    try:
        casework_services.case_reengagement_offer(
            actor=request.user, survivor=survivor, **form.cleaned_data
        )
    except (CaseError, ContactLogError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Re-engagement logged.")
    return _back_to_case(case_id)


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_checklist(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A new checklist for her, and the history of earlier ones."""
    survivor = own_case(request, case_id, AuditAction.RISK_ASSESSMENT_VIEW)
    questions = casework_selectors.risk_questions()
    form = RiskChecklistForm(request.POST or None, questions=questions)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = casework_services.risk_assessment_record(
                    actor=request.user,
                    survivor=survivor,
                    answers=form.answers(),
                    level=form.cleaned_data["level"],
                    reason=form.cleaned_data["reason"],
                )
            except RiskAssessmentError as failure:
                error = str(failure.message)
            else:
                messages.success(
                    request,
                    f"Checklist recorded: score {assessment.score}, "
                    f"level {assessment.get_level_display().lower()}.",
                )
                return HttpResponseRedirect(
                    reverse("staff-case-checklist-detail", args=[case_id, assessment.pk])
                )
        else:
            error = "Answer every question: yes, no or not known. Nothing was saved."
    return render(
        request,
        "staff/checklist.html",
        {
            "survivor": survivor,
            "form": form,
            "error": error,
            "questions": questions,
            "assessments": casework_selectors.assessments_for_case(survivor=survivor),
        },
        status=400 if error else 200,
    )


@staff_page(policy.is_wss_worker)
def case_checklist_detail(
    request: AuthenticatedHttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    """One earlier checklist in full: answers, notes, who and when."""
    survivor = own_case(request, case_id, AuditAction.RISK_ASSESSMENT_VIEW)
    assessment = found(
        casework_selectors.assessment_for_case(survivor=survivor, assessment_id=assessment_id)
    )
    return render(
        request,
        "staff/checklist_detail.html",
        {"survivor": survivor, "assessment": assessment},
    )


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_marac_refer(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Record her referral: also a disclosure with basis "high risk"."""
    survivor = own_case(request, case_id)
    form = MaracReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the agency the referral went to.")
        return _back_to_case(case_id, "marac")
    try:
        marac_services.marac_referral_record(
            actor=request.user, survivor=survivor, **form.cleaned_data
        )
    except (DisclosureError, MaracError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Referral recorded, with its disclosure (high risk).")
    return _back_to_case(case_id, "marac")


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_marac_close(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Close her open referral task without a referral: a reason is required."""
    survivor = own_case(request, case_id)
    form = MaracCloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        marac_services.marac_task_close(actor=request.user, survivor=survivor, reason=reason)
    except MaracError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Task closed with your reason.")
    return _back_to_case(case_id, "marac")
