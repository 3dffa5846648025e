"""The staff home page (/staff/): each role's work for today, read from each
side's own selectors. A Women's Support Service (WSS) worker: her urgent
alerts, unanswered messages, first-contact clocks and reviews due; the duty
worker: the urgent list and the covered queue; a programme worker: today's
sessions and registers to complete (programme selectors only: nothing of
survivors, SPEC 2); comms: recent page changes; the manager: unallocated
cases, the longest first-contact waits and passed deadlines.

It lives on the WSS side because that is the lowest app that may read all
the others (``survivors`` imports ``programme`` and ``cms``, never the other
way); the menu on every staff page is ``contacts``' ``staff_menu`` tag."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from cms import selectors as cms_selectors
from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import staff_page, staff_read_record
from programme.selectors import home as programme_home
from survivors.selectors import home as home_selectors


@staff_page(policy.is_staff_member)
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {}
    if policy.is_wss_worker(user):
        today = home_selectors.worker_today(worker=user)
        context["worker_today"] = today
        # Her cases and what waits on each: a read of each case shown (SPEC 2, 12).
        shown = {
            case.pk
            for cases in (today.urgent, today.unanswered, today.first_contact, today.reviews)
            for case in cases
        }
        staff_read_record(request, AuditAction.CASELOAD_VIEW, shown=shown)
    if policy.is_duty_worker(user):
        duty_today = home_selectors.duty_today()
        context["duty_today"] = duty_today
        # The covered cases listed: a read of each, as on the duty view (SPEC 12).
        covered = [item.survivor_id for item in duty_today.covered]
        staff_read_record(request, AuditAction.DUTY_VIEW, shown=covered)
    if policy.is_programme_worker(user):
        context["programme_today"] = programme_home.programme_today()
    if policy.is_manager(user):
        service_today = home_selectors.service_today()
        context["service_today"] = service_today
        # Case numbers waiting on her: a read of each, as on the allocations list (SPEC 12).
        waiting = [case.pk for case in (*service_today.unallocated, *service_today.waiting_longest)]
        staff_read_record(request, AuditAction.ALLOCATIONS_VIEW, shown=waiting)
    if policy.is_comms(user):
        context["page_changes"] = cms_selectors.recent_page_changes()
    return render(request, "staff/home.html", context)
