"""Women's Support Service (WSS) workers: their own caseload and nothing else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import policy, selectors
from .common import staff_page


@staff_page(policy.is_wss_worker)
def caseload(request: HttpRequest) -> HttpResponse:
    survivors = selectors.caseload_for_worker(worker=request.user)
    return render(request, "staff/caseload.html", {"survivors": survivors})


@staff_page(policy.is_wss_worker)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    survivor = selectors.survivor_for_worker(worker=request.user, survivor_id=case_id)
    participant = survivor.participant
    context = {
        "survivor": survivor,
        "participant": participant,
        "windows": list(survivor.windows.all()),
        "alerts": list(survivor.alerts.all()[:50]),
    }
    if participant is not None:
        context["attendance"] = selectors.participant_attendance(participant=participant)
        context["next_session"] = selectors.participant_next_session(participant=participant)
    return render(request, "staff/case_detail.html", context)
