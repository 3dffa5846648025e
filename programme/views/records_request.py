"""Programme side: his subject access request (SPEC 12). Recorded by a programme
worker or the service manager; its file downloaded only by whoever recorded it.
The same pages, messages and queries for every man, whether or not anyone is
linked to him (SPEC 2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.exports import export_kept
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import found, staff_page
from programme.errors import RecordsRequestError
from programme.forms import RecordsRequestForm
from programme.selectors import records as records_selectors
from programme.selectors import records_request as selectors
from programme.services import records_request as services


@staff_page(policy.can_use_programme_side)
@require_http_methods(["GET", "POST"])
def records_request(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    participant = found(records_selectors.participant(participant_id=participant_id))
    form = RecordsRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_records_request_record(
                actor=request.user,
                participant=participant,
                received_on=form.cleaned_data["received_on"],
            )
        except RecordsRequestError as error:
            form.add_error(None if error.code == "already_open" else "received_on", error.message)
        else:
            messages.success(request, "Request recorded. Its file is being built.")
            return HttpResponseRedirect(
                reverse("staff-participant-records-request", args=[participant.pk])
            )
    return render(
        request,
        "staff/participant_records.html",
        {
            "participant": participant,
            "form": form,
            "requests": selectors.records_requests(participant=participant),
            "open": selectors.records_request_open(participant=participant),
            "now": timezone.now(),
            "export_days": export_kept().days,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_page(policy.can_use_programme_side)
def records_download(
    request: AuthenticatedHttpRequest, participant_id: int, records_request_id: int
) -> HttpResponse:
    participant = found(records_selectors.participant(participant_id=participant_id))
    records_request = found(
        selectors.records_request(participant=participant, records_request_id=records_request_id)
    )
    try:
        content = services.participant_records_export_download(
            actor=request.user, records_request=records_request
        )
    except RecordsRequestError as error:
        if error.code == "not_recorder":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return HttpResponseRedirect(
            reverse("staff-participant-records-request", args=[participant.pk])
        )
    built = timezone.localdate(records_request.built_at)
    name = f"records-{participant.reference}-{built:%Y-%m-%d}.zip"
    return HttpResponse(
        content,
        content_type="application/zip",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
