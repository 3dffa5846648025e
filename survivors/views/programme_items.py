"""Items from the programme on her case (SPEC 10), for her own Women's Support
Service (WSS) worker: read one, record that it was shared with her, show a
report (or part of it) in her portal, and record what was told to the
programme as a disclosure. Every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import DisclosureError, ProgrammeItemError
from survivors.forms import CaseManagementDisclosureForm, ItemPortalForm, ItemSharedForm
from survivors.models import ProgrammeItem
from survivors.selectors import programme_items as items_selectors
from survivors.services import programme_items as items_services
from survivors.views.common import own_case


def _own_item(request: AuthenticatedHttpRequest, item_id: int) -> ProgrammeItem:
    item = found(items_selectors.programme_item_for_worker(worker=request.user, item_id=item_id))
    staff_read_record(request, AuditAction.PROGRAMME_ITEM_VIEW, obj=item, survivor=item.survivor)
    return item


def _item_page(
    request: HttpRequest,
    item: ProgrammeItem,
    *,
    shared_form: ItemSharedForm | None = None,
    portal_form: ItemPortalForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    paragraphs = item.report.paragraphs() if item.report else []
    return render(
        request,
        "staff/programme_item.html",
        {
            "item": item,
            "survivor": item.survivor,
            "paragraphs": paragraphs,
            "shared_form": shared_form or ItemSharedForm(),
            "portal_form": portal_form or ItemPortalForm(paragraphs=paragraphs),
            "error": error,
        },
        status=status,
    )


@staff_page(policy.is_wss_worker)
def item_detail(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    return _item_page(request, _own_item(request, item_id))


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def item_shared(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    form = ItemSharedForm(request.POST)
    if form.is_valid():
        try:
            items_services.programme_item_record_shared(
                actor=request.user,
                item=item,
                shared_on=form.cleaned_data["shared_on"],
                note=form.cleaned_data["note"],
            )
        except ProgrammeItemError as failure:
            return _item_page(
                request, item, shared_form=form, error=str(failure.message), status=400
            )
        messages.success(request, "Recorded as shared with her.")
        return HttpResponseRedirect(reverse("staff-case-item", args=[item.pk]))
    return _item_page(request, item, shared_form=form, status=400)


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def item_portal(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    paragraphs = item.report.paragraphs() if item.report else []
    form = ItemPortalForm(request.POST, paragraphs=paragraphs)
    if form.is_valid():
        try:
            items_services.programme_item_show_in_portal(
                actor=request.user,
                item=item,
                paragraphs=form.cleaned_data["paragraphs"],
                note=form.cleaned_data["note"],
            )
        except ProgrammeItemError as failure:
            return _item_page(
                request, item, portal_form=form, error=str(failure.message), status=400
            )
        messages.success(request, "Shown in her account.")
        return HttpResponseRedirect(reverse("staff-case-item", args=[item.pk]))
    return _item_page(request, item, portal_form=form, status=400)


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_management_disclosure(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Record what was told to the programme worker at case management."""
    survivor = own_case(request, case_id)
    form = CaseManagementDisclosureForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            items_services.case_management_disclose(
                actor=request.user,
                survivor=survivor,
                basis=form.cleaned_data["basis"],
                details=form.cleaned_data["details"],
            )
        except DisclosureError as failure:
            error = str(failure.message)
        else:
            messages.success(request, "Disclosure recorded.")
            return HttpResponseRedirect(reverse("staff-case", args=[survivor.pk]) + "#disclosures")
    return render(
        request,
        "staff/case_management_disclosure.html",
        {"survivor": survivor, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )
