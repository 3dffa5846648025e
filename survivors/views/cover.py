"""Cover when a Women's Support Service (WSS) worker is away: marking the dates
(herself, or her manager), and the duty worker's view of a covered case."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.errors import CoverError
from contacts.models import AuditAction, User
from contacts.views.common import found, staff_page, staff_read_record
from survivors.forms import AbsenceForm
from survivors.models import WorkerAbsence
from survivors.selectors import cover as cover_selectors
from survivors.services import cover as cover_services


def _may_mark(user: User) -> bool:
    return policy.is_wss_worker(user) or policy.is_manager(user)


@staff_page(_may_mark)
@require_http_methods(["GET", "POST"])
def away(request: HttpRequest) -> HttpResponse:
    manager = policy.is_manager(request.user)
    form = AbsenceForm(request.POST or None, for_manager=manager)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            worker = form.cleaned_data.get("worker") or request.user
            try:
                cover_services.absence_mark(
                    actor=request.user,
                    worker=worker,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except CoverError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"{worker.username} is marked away.")
                return HttpResponseRedirect(reverse("staff-away"))
        status = 400
    absences = (
        list(WorkerAbsence.objects.select_related("worker").order_by("-starts_on")[:50])
        if manager
        else cover_selectors.absences_for_worker(worker=request.user)
    )
    return render(
        request,
        "staff/away.html",
        {"form": form, "absences": absences, "manager": manager},
        status=status,
    )


@staff_page(_may_mark)
@require_http_methods(["POST"])
def away_end(request: HttpRequest, absence_id: int) -> HttpResponse:
    absences = WorkerAbsence.objects.all()
    if not policy.is_manager(request.user):
        absences = absences.filter(worker=request.user)
    absence = found(absences.filter(pk=absence_id).first())
    try:
        cover_services.absence_end(actor=request.user, absence=absence)
    except CoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked back.")
    return HttpResponseRedirect(reverse("staff-away"))


@staff_page(policy.is_duty_worker)
def duty_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """A covered case for the duty worker: how to contact her safely, and what
    she wrote that waits for an answer. Only while her worker is away."""
    survivor = found(cover_selectors.case_for_cover(user=request.user, survivor_id=case_id))
    staff_read_record(request, AuditAction.SURVIVOR_VIEW_DUTY, obj=survivor)
    staff_read_record(request, AuditAction.THREAD_VIEW, obj=survivor)
    return render(
        request,
        "staff/duty_case.html",
        {
            "survivor": survivor,
            "windows": list(survivor.windows.all()),
            "waiting": cover_selectors.unanswered_messages(survivor=survivor),
        },
    )
