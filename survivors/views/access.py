"""Who read her record (SPEC 12): her case's access log, for her Women's
Support Service (WSS) worker and the manager; and the manager's access alerts
(reads that do not fit the work), each acknowledged with a note. Reading
either page is itself audited."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, User
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import AccessAlertError
from survivors.forms import AccessAlertAcknowledgeForm
from survivors.selectors import access_log
from survivors.selectors import cases as cases_selectors
from survivors.selectors import manager as manager_selectors
from survivors.services.access_alerts import access_alert_acknowledge

PAGE_SIZE = 50


def _her_worker_or_manager(user: User | AnonymousUser) -> bool:
    return policy.is_wss_worker(user) or policy.is_manager(user)


@staff_page(_her_worker_or_manager)
def case_reads(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Her access log: who read (or changed) her record, in what role, what, when."""
    if policy.is_manager(request.user):
        survivor = found(manager_selectors.survivor_for_manager(survivor_id=case_id))
    else:
        survivor = found(
            cases_selectors.survivor_for_worker(worker=request.user, survivor_id=case_id)
        )
    staff_read_record(request, AuditAction.CASE_READS_VIEW, obj=survivor)
    page = Paginator(access_log.case_read_events(survivor_id=survivor.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/access_log.html",
        {
            "survivor": survivor,
            "listing": {"page": page, "query": ""},
            "reads": [access_log.case_read(event) for event in page],
            "is_manager": policy.is_manager(request.user),
        },
    )


def _alerts_page(
    request: AuthenticatedHttpRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    page = Paginator(access_log.access_alerts(), PAGE_SIZE).get_page(request.GET.get("page"))
    staff_read_record(request, AuditAction.ACCESS_ALERTS_VIEW)
    rows = [
        # The window to export for a look at what the account read (the hour
        # the volume rule counted, or around the read).
        (alert, alert.raised_at - timedelta(hours=1), alert.raised_at + timedelta(minutes=1))
        for alert in page
    ]
    return render(
        request,
        "staff/access_alerts.html",
        {
            "listing": {"page": page, "query": ""},
            "rows": rows,
            "error": error,
            "per_hour": settings.ACCESS_ALERT_CASES_PER_HOUR,
        },
        status=status,
    )


@staff_page(policy.is_manager)
def access_alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _alerts_page(request)


@staff_page(policy.is_manager)
@require_http_methods(["POST"])
def access_alert_ack(request: AuthenticatedHttpRequest, access_alert_id: int) -> HttpResponse:
    alert = found(access_log.access_alert(alert_id=access_alert_id))
    form = AccessAlertAcknowledgeForm(request.POST)
    if not form.is_valid():
        return _alerts_page(request, error=str(form.errors["note"][0]), status=400)
    try:
        access_alert_acknowledge(actor=request.user, alert=alert, note=form.cleaned_data["note"])
    except AccessAlertError as failure:
        return _alerts_page(request, error=str(failure.message), status=400)
    messages.success(request, f"Access alert {alert.pk} acknowledged.")
    return HttpResponseRedirect(reverse("staff-access-alerts"))
