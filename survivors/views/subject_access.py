"""Her subject access request (SPEC 12) on the Women's Support Service (WSS)
staff pages: her worker or the manager records it and follows its progress;
whoever recorded it downloads the export; the manager lists every request
with its one-month deadline. Every read of her case is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, User
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import SubjectAccessError
from survivors.forms import RecordsRequestForm
from survivors.models import Survivor
from survivors.selectors import manager
from survivors.selectors import subject_access as selectors
from survivors.services.subject_access import (
    subject_access_export_download,
    subject_access_request_record,
)
from survivors.views.common import own_case

# Seconds between reloads of the status page while an export is being built.
REFRESH_SECONDS = 3


def may_record(user: User | AnonymousUser) -> bool:
    """Her worker (checked on her case) or the manager."""
    return policy.is_wss_worker(user) or policy.is_manager(user)


def _her_case(request: AuthenticatedHttpRequest, case_id: int) -> Survivor:
    """The case for the manager (any) or her own worker (404 otherwise), the read audited."""
    if policy.is_manager(request.user):
        survivor = found(manager.survivor_for_manager(survivor_id=case_id))
        staff_read_record(request, AuditAction.SUBJECT_ACCESS_VIEW, obj=survivor)
        return survivor
    return own_case(request, case_id, AuditAction.SUBJECT_ACCESS_VIEW)


@staff_page(may_record)
@require_http_methods(["GET", "POST"])
def case_records_request(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = _her_case(request, case_id)
    for_manager = policy.is_manager(request.user)
    form = RecordsRequestForm(
        request.POST or None,
        for_manager=for_manager,
        initial={"received_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subject_access_request_record(
                    actor=request.user, survivor=survivor, **form.cleaned_data
                )
            except SubjectAccessError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Records request recorded. The export is being made.")
                return HttpResponseRedirect(reverse("staff-case-records-request", args=[case_id]))
        status = 400
    records = selectors.requests_for_case(survivor=survivor)
    return render(
        request,
        "staff/records_request.html",
        {
            "survivor": survivor,
            "form": form,
            "records": records,
            "refresh": REFRESH_SECONDS if any(row.in_progress for row in records) else None,
            "for_manager": for_manager,
        },
        status=status,
    )


@staff_page(may_record)
def records_request_download(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    records = found(selectors.request_by_id(request_id=request_id))
    # Anyone but whoever recorded it: the same 404 as a request that does not exist.
    found(records if records.recorded_by_id == request.user.pk else None)
    try:
        content = subject_access_export_download(actor=request.user, request=records)
    except SubjectAccessError as error:
        status = {"expired": 410, "not_ready": 409}.get(error.code, 403)
        return render(
            request,
            "staff/error.html",
            {
                "heading": "Records request",
                "text": error.message,
                "staff_home": reverse("staff-home"),
            },
            status=status,
        )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="records-{records.pk}.zip"'
    return response


@staff_page(policy.is_manager)
def records_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every request with its one-month deadline, unanswered first (SPEC 12)."""
    records = selectors.requests_for_manager()
    staff_read_record(request, AuditAction.SUBJECT_ACCESS_LIST)
    return render(
        request,
        "staff/records_request_list.html",
        {"records": records, "today": timezone.localdate()},
    )
