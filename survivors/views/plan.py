"""Her plan on her case, for her own Women's Support Service (WSS) worker:
read it (audited), edit it with her, and see every version with who saved it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import staff_page
from survivors.errors import PlanError
from survivors.selectors import plan as plan_selectors
from survivors.services import plan as plan_services
from survivors.views.common import own_case


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_plan(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id, AuditAction.PLAN_VIEW)
    error = ""
    if request.method == "POST":
        steps = {key: request.POST.get(key, "") for key in plan_selectors.PLAN_KEYS}
        try:
            version = plan_services.plan_save(actor=request.user, survivor=survivor, steps=steps)
        except PlanError as failure:
            error = str(failure.message)
        else:
            messages.success(request, "Plan saved." if version else "Nothing changed.")
            return HttpResponseRedirect(reverse("staff-case-plan", args=[case_id]))
        current = steps
    else:
        current = plan_selectors.plan_steps(plan_selectors.plan_current(survivor=survivor))
    return render(
        request,
        "staff/plan.html",
        {
            "survivor": survivor,
            "parts": [
                (key, label, current.get(key, "")) for key, label in plan_selectors.PLAN_HEADINGS
            ],
            "history": plan_selectors.plan_history(survivor=survivor),
            "error": error,
            "max_length": plan_selectors.STEP_MAX_LENGTH,
        },
        status=400 if error else 200,
    )
