"""Her plan ("My plan"): steps under neutral headings that she reads and edits
here and her worker edits on her case. Plain forms, no JavaScript needed;
quick exit and ``no-store`` as on every portal page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.http import AuthenticatedHttpRequest
from survivors.errors import PlanError
from survivors.models import Survivor
from survivors.selectors.plan import PLAN_HEADINGS, STEP_MAX_LENGTH

from ..account import account_for
from .common import redirect_see_other, survivor_page


@survivor_page
@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    account = account_for(request, survivor)
    error = ""
    if request.method == "POST":
        steps = {key: request.POST.get(key, "") for key, _label in PLAN_HEADINGS}
        try:
            account.plan_save(steps=steps)
        except PlanError as failure:
            error = str(failure.message)
        else:
            request.session["portal_notice"] = _("Saved.")
            return redirect_see_other("/plan/")
        current = steps
    else:
        current = account.plan()
    notice = request.session.pop("portal_notice", "")
    return render(
        request,
        "portal/plan.html",
        {
            "parts": [(key, label, current.get(key, "")) for key, label in PLAN_HEADINGS],
            "error": error,
            "notice": notice,
            "max_length": STEP_MAX_LENGTH,
        },
        status=400 if error else 200,
    )
