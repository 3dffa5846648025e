"""Her data rights on the Women's Support Service (WSS) side (SPEC 12): the
service manager erases her case (two steps) or refuses with the legal reason,
restricts it, or puts it under a legal hold. Manager only; each page read and
each change is audited. The pages show the case id and its flags, never her."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import DataRightsError
from survivors.models import ErasureRequest, Survivor
from survivors.selectors import data_rights as data_rights_selectors
from survivors.selectors import manager
from survivors.services import erasure, restriction

manager_page = staff_page(policy.can_manage_accounts)


class ErasureForm(forms.Form):
    received_on = forms.DateField(
        label="The day she asked",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Her request must be answered within a month of this day.",
    )
    # Set by the confirmation page's button: the second step.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RefusalForm(forms.Form):
    received_on = forms.DateField(
        label="The day she asked", widget=forms.DateInput(attrs={"type": "date"})
    )
    refusal_reason = forms.ChoiceField(
        label="The reason the law allows", choices=ErasureRequest.RefusalReason.choices
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=erasure.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Required for "other". No names: this record is kept if the case is erased.',
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=restriction.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _case(request: AuthenticatedHttpRequest, case_id: int) -> Survivor:
    """Her case for the manager (404 if there is none, e.g. already erased)."""
    return found(manager.survivor_for_manager(survivor_id=case_id))


def _back(survivor_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("staff-allocation-change", args=[survivor_id]))


def _erase_page(
    request: AuthenticatedHttpRequest,
    survivor: Survivor,
    *,
    form: ErasureForm | None = None,
    refusal_form: RefusalForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "staff/case_erase.html",
        {
            "survivor": survivor,
            "form": form or ErasureForm(initial={"received_on": today}),
            "refusal_form": refusal_form or RefusalForm(initial={"received_on": today}),
            "requests": data_rights_selectors.erasure_requests_for(case_id=survivor.pk),
            "error": error,
        },
        status=status,
    )


@manager_page
@require_http_methods(["GET", "POST"])
def case_erase(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """GET: the request page. POST: the confirmation page, then (confirmed) erase."""
    survivor = _case(request, case_id)
    if request.method == "GET":
        staff_read_record(request, AuditAction.DATA_RIGHTS_VIEW, obj=survivor)
        return _erase_page(request, survivor)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _erase_page(request, survivor, form=form, status=400)
    received_on = form.cleaned_data["received_on"]
    if survivor.legal_hold_at is not None or not form.cleaned_data["confirmed"]:
        if survivor.legal_hold_at is not None:
            return _erase_page(
                request,
                survivor,
                form=form,
                error=str(DataRightsError("legal_hold").message),
                status=400,
            )
        confirm = ErasureForm(initial={"received_on": received_on, "confirmed": True})
        return render(
            request, "staff/case_erase_confirm.html", {"survivor": survivor, "form": confirm}
        )
    try:
        tombstone = erasure.case_erase(
            survivor=survivor, actor=request.user, reason="request", received_on=received_on
        )
    except DataRightsError as failure:
        return _erase_page(request, survivor, form=form, error=str(failure.message), status=400)
    rows = sum(tombstone.counts.values())
    messages.success(request, f"Case {tombstone.case_id} erased ({rows} records removed).")
    return HttpResponseRedirect(reverse("staff-allocations"))


@manager_page
@require_http_methods(["POST"])
def case_erasure_refuse(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = _case(request, case_id)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            erasure.case_erasure_refuse(actor=request.user, survivor=survivor, **form.cleaned_data)
        except DataRightsError as failure:
            return _erase_page(
                request, survivor, refusal_form=form, error=str(failure.message), status=400
            )
        messages.success(request, f"Case {survivor.pk}: the refusal and its reason are recorded.")
        return _back(survivor.pk)
    return _erase_page(request, survivor, refusal_form=form, status=400)


def _flag_page(
    request: AuthenticatedHttpRequest,
    survivor: Survivor,
    *,
    kind: str,
    action: str,
    set_service: Callable[..., Survivor],
    lift_service: Callable[..., Survivor],
    done: dict[str, str],
) -> HttpResponse:
    """The restriction and the legal hold work alike: set with a reason, lift."""
    template = f"staff/case_{kind}.html"
    if request.method == "GET":
        staff_read_record(request, AuditAction.DATA_RIGHTS_VIEW, obj=survivor)
        return render(request, template, {"survivor": survivor, "form": ReasonForm()})
    form = ReasonForm(request.POST)
    chosen = request.POST.get("action", "")
    try:
        if chosen == "lift":
            lift_service(actor=request.user, survivor=survivor)
        elif chosen == action and form.is_valid():
            set_service(actor=request.user, survivor=survivor, reason=form.cleaned_data["reason"])
        else:
            error = "" if chosen == action else "Choose whether to set or lift it."
            return render(
                request,
                template,
                {"survivor": survivor, "form": form, "error": error},
                status=400,
            )
    except DataRightsError as failure:
        return render(
            request,
            template,
            {"survivor": survivor, "form": form, "error": failure.message},
            status=400,
        )
    messages.success(request, f"Case {survivor.pk}: {done[chosen]}")
    return _back(survivor.pk)


@manager_page
@require_http_methods(["GET", "POST"])
def case_restrict(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _flag_page(
        request,
        _case(request, case_id),
        kind="restrict",
        action="restrict",
        set_service=restriction.case_restrict,
        lift_service=restriction.case_restriction_lift,
        done={"restrict": "restricted.", "lift": "restriction lifted."},
    )


@manager_page
@require_http_methods(["GET", "POST"])
def case_hold(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _flag_page(
        request,
        _case(request, case_id),
        kind="hold",
        action="hold",
        set_service=restriction.case_legal_hold_set,
        lift_service=restriction.case_legal_hold_lift,
        done={"hold": "legal hold set.", "lift": "legal hold lifted."},
    )
