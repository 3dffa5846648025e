"""Recording her answers to an outcome check-point (SPEC 14) during a call,
for her own Women's Support Service (WSS) worker: every active question with
its scale, "prefer not to say" always offered, saved as a draft or as
finished. Staff pages are in English; the read is audited."""

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
from survivors.errors import OutcomeAnswerError
from survivors.forms import OutcomeAnswersForm
from survivors.selectors import outcome_answers as answers_selectors
from survivors.services.outcome_answers import outcome_answers_save
from survivors.views.common import own_case


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_check_point(
    request: AuthenticatedHttpRequest, case_id: int, check_point_id: int
) -> HttpResponse:
    survivor = own_case(request, case_id, AuditAction.CHECK_POINT_VIEW)
    check_point = found(
        answers_selectors.check_point_for_case(survivor=survivor, check_point_id=check_point_id)
    )
    # Staff pages are English.
    lang = answers_selectors.ENGLISH
    questions = answers_selectors.questions_shown(check_point=check_point, lang=lang)
    error = ""
    if request.method == "POST":
        form = OutcomeAnswersForm(request.POST, questions=questions)
        finish = request.POST.get("save") == "finish"
        if form.is_valid():
            try:
                outcome_answers_save(
                    actor=request.user,
                    check_point=check_point,
                    answers=form.answers(),
                    finish=finish,
                )
            except OutcomeAnswerError as failure:
                error = str(failure.message)
            else:
                if finish:
                    messages.success(request, "Her answers are saved: the check-point is answered.")
                    return HttpResponseRedirect(
                        reverse("staff-case", args=[case_id]) + "#check-points"
                    )
                messages.success(request, "Draft saved. Nothing is final until she has finished.")
                return HttpResponseRedirect(request.path)
        else:
            error = str(OutcomeAnswerError("out_of_range").message)
        questions = answers_selectors.questions_shown(
            check_point=check_point, lang=lang, posted=form.posted()
        )
    return render(
        request,
        "staff/case_check_point.html",
        {
            "survivor": survivor,
            "check_point": check_point,
            "questions": questions,
            "prefer_not_to_say": answers_selectors.PREFER_NOT_TO_SAY,
            "due": check_point.state == check_point.State.DUE,
            "consented": survivor.outcomes_consent_at is not None,
            "error": error,
        },
        status=400 if error else 200,
    )
