"""The service manager's breach register (SPEC 12): each breach with the
72-hour clock to tell the ICO, added and kept up to date here; and, for an
investigation, everything one account did between two times as CSV (ids only,
the export itself audited)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.errors import BreachError
from contacts.forms import AccountReadsForm, BreachForm
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, Breach
from contacts.selectors import breaches as breach_selectors
from contacts.selectors import staff
from contacts.services import breaches as breach_services
from contacts.spreadsheet import csv_safe
from contacts.views.common import found, staff_page, staff_read_record

manager_page = staff_page(policy.is_manager)


@manager_page
def breach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        (breach, breach_selectors.ico_clock(breach=breach, now=now))
        for breach in breach_selectors.breaches()
    ]
    staff_read_record(request, AuditAction.BREACHES_VIEW)
    return render(request, "staff/breach_list.html", {"rows": rows})


def _form_page(
    request: AuthenticatedHttpRequest, form: BreachForm, breach: Breach | None, status: int
) -> HttpResponse:
    clock = breach_selectors.ico_clock(breach=breach) if breach is not None else None
    return render(
        request,
        "staff/breach_form.html",
        {"form": form, "breach": breach, "clock": clock},
        status=status,
    )


@manager_page
@require_http_methods(["GET", "POST"])
def breach_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None, initial={"reportable": Breach.Reportable.UNDECIDED})
    if request.method == "POST" and form.is_valid():
        try:
            breach = breach_services.breach_record(actor=request.user, **form.cleaned_data)
        except BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Breach {breach.pk} recorded.")
            return HttpResponseRedirect(reverse("staff-breach", args=[breach.pk]))
    return _form_page(request, form, None, 400 if request.method == "POST" else 200)


@manager_page
@require_http_methods(["GET", "POST"])
def breach_edit(request: AuthenticatedHttpRequest, breach_id: int) -> HttpResponse:
    breach = found(breach_selectors.breach(breach_id=breach_id))
    initial = {name: getattr(breach, name) for name in breach_services.FIELDS}
    form = BreachForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            breach_services.breach_update(actor=request.user, breach=breach, **form.cleaned_data)
        except BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Breach {breach.pk} saved.")
            return HttpResponseRedirect(reverse("staff-breach", args=[breach.pk]))
    if request.method == "GET":
        staff_read_record(request, AuditAction.BREACHES_VIEW, obj=breach)
    return _form_page(request, form, breach, 400 if request.method == "POST" else 200)


class _Echo:
    """csv.writer writes into this and gets the line back (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


@manager_page
def account_reads_csv(
    request: AuthenticatedHttpRequest, user_id: int
) -> HttpResponse | StreamingHttpResponse:
    """Everything one staff account did (reads and changes) from ``from`` up to
    ``to``, as CSV: time, action, object type and id, case. Bad or missing times
    get the form again with what to fix; nothing is exported."""
    person = found(staff.staff_account(user_id=user_id))
    form = AccountReadsForm(request.GET if request.GET else None)
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "staff/breach_reads.html",
            {"person": person, "form": form},
            status=400 if form.is_bound else 200,
        )
    data: dict[str, Any] = form.cleaned_data
    staff_read_record(request, AuditAction.ACCOUNT_READS_EXPORT, obj=person)
    events = breach_selectors.account_events(actor_id=person.pk, start=data["from"], end=data["to"])
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(["time", "action", "object_type", "object_id", "case"])
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    csv_safe(cell)
                    for cell in (
                        event.at.isoformat(),
                        event.action,
                        event.object_type,
                        event.object_id,
                        event.survivor_id or "",
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="account-{person.pk}-reads.csv"'
    return response
