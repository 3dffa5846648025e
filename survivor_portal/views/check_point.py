"""A few questions for her (SPEC 14): her earliest due outcome check-point,
in her language, every question optional with "prefer not to say" always
offered. Plain forms, no JavaScript needed; quick exit and ``no-store`` as on
every portal page. Her draft is saved on the server, so quick exit loses
nothing she saved. A session signed in with her second passphrase sees
"nothing to answer" and stores nothing (SPEC 4)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.http import AuthenticatedHttpRequest
from survivors.errors import OutcomeAnswerError
from survivors.models import Survivor
from survivors.selectors import outcome_answers as answers_selectors
from survivors.services.outcome_answers import outcome_answers_save

from ..forms import CheckPointAnswersForm
from ..portal_state import state_for, state_save
from .common import redirect_see_other, survivor_page

PAGE = "/your-views/"


@survivor_page
@require_http_methods(["GET", "POST"])
def check_point(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    state = state_for(request)
    due = answers_selectors.check_point_due_for_her(survivor=survivor)
    if state.quiet:
        # Her second passphrase: an ordinary account with nothing to answer
        # (the same query ran, so both kinds of session do the same work).
        due = None
    lang = answers_selectors.answer_language(survivor=survivor)
    questions = (
        answers_selectors.questions_shown(check_point=due, lang=lang) if due is not None else []
    )
    if not questions:
        due = None  # no questions loaded: nothing to answer
    error = ""
    if request.method == "POST":
        if due is None:
            # Nothing is stored; the session changes as after any save.
            state_save(request, state)
            return redirect_see_other(PAGE)
        form = CheckPointAnswersForm(request.POST, questions=questions)
        finish = request.POST.get("save") == "send"
        if form.is_valid():
            try:
                outcome_answers_save(
                    actor=request.user, check_point=due, answers=form.answers(), finish=finish
                )
            except OutcomeAnswerError as failure:
                error = str(failure.message)
            else:
                state_save(request, state)
                request.session["portal_notice"] = (
                    _("Thank you. Your answers have been sent.")
                    if finish
                    else _("Saved. You can come back and finish at any time.")
                )
                return redirect_see_other(PAGE)
        else:
            error = str(OutcomeAnswerError("out_of_range").message)
        questions = answers_selectors.questions_shown(
            check_point=due, lang=lang, posted=form.posted()
        )
    notice = request.session.pop("portal_notice", "")
    return render(
        request,
        "portal/check_point.html",
        {
            "questions": questions,
            "prefer_not_to_say": answers_selectors.PREFER_NOT_TO_SAY,
            "error": error,
            "notice": notice,
        },
        status=400 if error else 200,
    )
