"""Programme side: groups, sessions, participants. Nothing here looks at or
depends on survivors (SPEC 2)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import policy, selectors, services
from ..models import Participant, ParticipantStatus, RiskConcern
from .common import staff_page


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=ParticipantStatus.choices)
    reason = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RiskConcernForm(forms.Form):
    kind = forms.ChoiceField(choices=RiskConcern.Kind.choices)
    occurred_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    urgency = forms.ChoiceField(choices=RiskConcern.Urgency.choices)


@staff_page(policy.can_use_programme_side)
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/group_list.html", {"groups": selectors.groups_list()})


@staff_page(policy.can_use_programme_side)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    return render(request, "staff/group_detail.html", selectors.group_detail(group_id=group_id))


@staff_page(policy.can_use_programme_side)
def participant_list(request: HttpRequest) -> HttpResponse:
    participants = Participant.objects.select_related("group").order_by("reference")
    return render(request, "staff/participant_list.html", {"participants": participants})


@staff_page(policy.can_use_programme_side)
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    context = selectors.participant_record(participant_id=participant_id)
    context["status_form"] = StatusChangeForm(initial={"status": context["participant"].status})
    context["concern_form"] = RiskConcernForm()
    context["can_record"] = policy.can_record_programme_data(request.user)
    return render(request, "staff/participant_detail.html", context)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def participant_status(request: HttpRequest, participant_id: int) -> HttpResponse:
    context = selectors.participant_record(participant_id=participant_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        services.status_change_record(
            actor=request.user,
            participant=context["participant"],
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Status recorded.")
        return HttpResponseRedirect(reverse("staff-participant", args=[participant_id]))
    context.update(status_form=form, concern_form=RiskConcernForm(), can_record=True)
    return render(request, "staff/participant_detail.html", context, status=400)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def participant_concern(request: HttpRequest, participant_id: int) -> HttpResponse:
    context = selectors.participant_record(participant_id=participant_id)
    form = RiskConcernForm(request.POST)
    if form.is_valid():
        services.risk_concern_raise(
            actor=request.user, participant=context["participant"], **form.cleaned_data
        )
        messages.success(request, "Concern recorded.")
        return HttpResponseRedirect(reverse("staff-participant", args=[participant_id]))
    context.update(
        status_form=StatusChangeForm(initial={"status": context["participant"].status}),
        concern_form=form,
        can_record=True,
    )
    return render(request, "staff/participant_detail.html", context, status=400)
