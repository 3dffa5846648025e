"""Outcomes, with her consent (SPEC 14), on the staff side: her worker records
her choice (agreed, with or without portal invitations, or withdrawn) and, at
her request, deletes her answers; the service manager edits the questions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import found, staff_page
from survivors.errors import OutcomesError
from survivors.forms import OutcomeAnswersDeleteForm, OutcomeQuestionForm, OutcomesConsentForm
from survivors.selectors import outcome_questions as question_selectors
from survivors.services import outcome_questions as question_services
from survivors.services import outcomes_consent
from survivors.views.common import own_case


def _back_to_case(case_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("staff-case", args=[case_id]) + "#outcomes-consent")


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_outcomes_consent(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Her choice, as she told her worker."""
    survivor = own_case(request, case_id)
    form = OutcomesConsentForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "give":
                outcomes_consent.outcomes_consent_give(
                    actor=request.user, survivor=survivor, in_portal=form.cleaned_data["in_portal"]
                )
                messages.success(request, "Her agreement is recorded.")
            else:
                outcomes_consent.outcomes_consent_withdraw(actor=request.user, survivor=survivor)
                messages.success(
                    request, "Her withdrawal is recorded: her answers no longer count."
                )
        except OutcomesError as exc:
            error = str(exc.message)
        else:
            return _back_to_case(case_id)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return render(
        request,
        "staff/outcomes_consent_error.html",
        {"survivor": survivor, "error": error},
        status=400,
    )


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_outcomes_delete(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """At her request, every answer of hers deleted: first a page that says
    what goes, then the confirmed delete."""
    survivor = own_case(request, case_id)
    confirming = request.POST.get("step") == "confirm"
    form = OutcomeAnswersDeleteForm(request.POST if confirming else None)
    status = 200
    if confirming:
        status = 400
        if form.is_valid():
            try:
                deleted = outcomes_consent.outcomes_answers_delete(
                    actor=request.user, survivor=survivor
                )
            except OutcomesError as exc:
                form.add_error(None, exc.message)
            else:
                plural = "" if deleted == 1 else "s"
                messages.success(request, f"{deleted} answer{plural} deleted at her request.")
                return _back_to_case(case_id)
    answers = question_selectors.answers_count_for(survivor=survivor)
    return render(
        request,
        "staff/outcome_answers_delete.html",
        {"survivor": survivor, "form": form, "answers": answers},
        status=status,
    )


# --- The questions, as data (the service manager) ----------------------------------


def _wording(form: OutcomeQuestionForm) -> question_services.QuestionWording:
    data = form.cleaned_data
    return question_services.QuestionWording(
        text=form.text(),
        scale_points=data["scale_points"],
        scale_labels=form.labels(),
        higher_is_better=data["higher_is_better"],
        position=data["position"],
        active=data["active"],
    )


@staff_page(policy.is_manager)
def question_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    questions = question_selectors.all_questions()
    rows = [(question, question_selectors.question_in(question, "en-gb")) for question in questions]
    return render(request, "staff/outcome_question_list.html", {"rows": rows})


@staff_page(policy.is_manager)
@require_http_methods(["GET", "POST"])
def question_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = OutcomeQuestionForm(
        request.POST if posted else None, initial={"active": True, "higher_is_better": True}
    )
    if posted and form.is_valid():
        try:
            question_services.outcome_question_create(actor=request.user, wording=_wording(form))
        except OutcomesError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Question added.")
            return HttpResponseRedirect(reverse("staff-outcome-questions"))
    return render(
        request,
        "staff/outcome_question_form.html",
        {"form": form, "question": None},
        status=400 if posted else 200,
    )


@staff_page(policy.is_manager)
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = found(question_selectors.question_by_id(question_id=question_id))
    posted = request.method == "POST"
    if posted and request.POST.get("delete") == "1":
        try:
            question_services.outcome_question_delete(actor=request.user, question=question)
        except OutcomesError as exc:
            form = OutcomeQuestionForm(initial=OutcomeQuestionForm.initial_for(question))
            return render(
                request,
                "staff/outcome_question_form.html",
                {"form": form, "question": question, "delete_error": exc.message},
                status=400,
            )
        messages.success(request, "Question deleted.")
        return HttpResponseRedirect(reverse("staff-outcome-questions"))
    form = OutcomeQuestionForm(
        request.POST if posted else None, initial=OutcomeQuestionForm.initial_for(question)
    )
    if posted and form.is_valid():
        try:
            question_services.outcome_question_update(
                actor=request.user, question=question, wording=_wording(form)
            )
        except OutcomesError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Question saved.")
            return HttpResponseRedirect(reverse("staff-outcome-questions"))
    return render(
        request,
        "staff/outcome_question_form.html",
        {"form": form, "question": question},
        status=400 if posted else 200,
    )
