"""Referrals and triage (SPEC 13), Women's Support Service (WSS) side: an
agency's referral (any WSS worker or the manager), the triage queue and one
referral's triage page (the manager and the duty worker). Thin: the rules are
in ``survivors.services.referrals``; every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import AllocationError, ReferralError
from survivors.forms import (
    AgencyReferralForm,
    ReferralAllocateForm,
    ReferralDeclineForm,
    ReferralJoinForm,
)
from survivors.models import Referral, SafeContactWindow
from survivors.selectors import referrals as selectors
from survivors.services import referrals as services

record_page = staff_page(policy.can_record_referral)
triage_page = staff_page(policy.can_triage_referrals)


@record_page
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AgencyReferralForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_record(actor=request.user, **form.cleaned_data)
        except ReferralError as failure:
            error = str(failure.message)
        else:
            messages.success(
                request, f"Referral {referral.pk} recorded. It is waiting in the triage queue."
            )
            if policy.can_triage_referrals(request.user):
                return HttpResponseRedirect(reverse("staff-referral", args=[referral.pk]))
            return HttpResponseRedirect(reverse("staff-home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/referral_new.html", {"form": form, "error": error}, status=status)


@triage_page
def referral_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.referral_queue()
    # The queue names no one (source, time, clock, matches): one row for the page.
    staff_read_record(request, AuditAction.REFERRALS_VIEW)
    return render(request, "staff/referral_queue.html", {"rows": rows})


def _worker_choices(referral: Referral) -> object:
    group = selectors.same_number_waiting(referral=referral)
    return selectors.triage_workers(
        participant_ids=selectors.referral_participant_ids(referrals=group)
    )


@triage_page
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = found(selectors.referral_for_triage(referral_id=referral_id))
    staff_read_record(request, AuditAction.REFERRAL_VIEW, obj=referral)
    waiting = referral.state == Referral.State.WAITING
    matches = selectors.referral_matches(referral=referral) if waiting else None
    context: dict[str, object] = {"referral": referral, "waiting": waiting, "matches": matches}
    if waiting:
        context |= {
            "allocate_form": ReferralAllocateForm(workers=_worker_choices(referral)),
            "join_form": ReferralJoinForm(cases=selectors.matching_cases(referral=referral)),
            "decline_form": ReferralDeclineForm(),
        }
    # Her safe days as stored (Monday = 0).
    context["safe_days"] = [
        SafeContactWindow.Weekday(int(day)).label for day in referral.safe_days.split(",") if day
    ]
    return render(request, "staff/referral_detail.html", context)


def _back(referral: Referral) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("staff-referral", args=[referral.pk]))


@triage_page
@require_http_methods(["POST"])
def referral_allocate(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = found(selectors.referral_for_triage(referral_id=referral_id))
    if referral.state != Referral.State.WAITING:
        messages.error(request, str(ReferralError("already_decided").message))
        return _back(referral)
    form = ReferralAllocateForm(request.POST, workers=_worker_choices(referral))
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("worker", ["Choose a worker."]))
        )
        return _back(referral)
    worker = form.cleaned_data["worker"]
    try:
        survivor = services.referral_allocate(actor=request.user, referral=referral, worker=worker)
    except (ReferralError, AllocationError) as error:
        messages.error(request, f"Referral {referral.pk}: {error.message}")
        return _back(referral)
    joined = survivor.referrals.exclude(pk=referral.pk).count()
    also = (
        f" {joined} other referral{'s' if joined != 1 else ''} with her number joined it."
        if joined
        else ""
    )
    messages.success(
        request,
        f"Case {survivor.pk} opened and allocated to "
        f"{worker.get_full_name() or worker.username}.{also}",
    )
    return HttpResponseRedirect(reverse("staff-referrals"))


@triage_page
@require_http_methods(["POST"])
def referral_join(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = found(selectors.referral_for_triage(referral_id=referral_id))
    if referral.state != Referral.State.WAITING:
        messages.error(request, str(ReferralError("already_decided").message))
        return _back(referral)
    form = ReferralJoinForm(request.POST, cases=selectors.matching_cases(referral=referral))
    if not form.is_valid():
        messages.error(request, "Choose one of the matching cases.")
        return _back(referral)
    try:
        outcome = services.referral_join(
            actor=request.user, referral=referral, survivor=form.cleaned_data["case"]
        )
    except ReferralError as error:
        messages.error(request, f"Referral {referral.pk}: {error.message}")
        return _back(referral)
    text = f"Referral {referral.pk} joined case {outcome.survivor.pk}; her worker has an alert."
    if outcome.linked is False:
        text += (
            " The case was not linked to the man this referral names: her worker already "
            "supports someone linked to him. The case is kept as it was."
        )
    elif outcome.linked:
        text += " The case is now linked to the man this referral names."
    messages.success(request, text)
    return HttpResponseRedirect(reverse("staff-referrals"))


@triage_page
@require_http_methods(["POST"])
def referral_decline(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = found(selectors.referral_for_triage(referral_id=referral_id))
    form = ReferralDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("reason", ["Choose a reason."]))
        )
        return _back(referral)
    try:
        services.referral_decline(actor=request.user, referral=referral, **form.cleaned_data)
    except ReferralError as error:
        messages.error(request, f"Referral {referral.pk}: {error.message}")
        return _back(referral)
    messages.success(request, f"Referral {referral.pk} declined.")
    return HttpResponseRedirect(reverse("staff-referrals"))
