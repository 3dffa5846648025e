"""Check-in plans (her own Women's Support Service (WSS) worker) and the wording
of the texts (the service manager)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from checkins.errors import CheckInError
from checkins.models import CheckInPlan, SmsTexts
from checkins.selectors import checkins as checkin_selectors
from checkins.services import checkins as checkin_services
from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import staff_page, staff_read_record
from survivors.models import SafeContactWindow
from survivors.views.common import own_case


class CheckInPlanForm(forms.Form):
    frequency = forms.ChoiceField(choices=CheckInPlan.Frequency.choices)
    weekdays = forms.TypedMultipleChoiceField(
        choices=SafeContactWindow.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Days (weekly and fortnightly)",
    )
    send_at = forms.TimeField(
        label="Time (her local time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    reply_window_hours = forms.IntegerField(
        min_value=1, max_value=168, initial=24, label="Reply window (hours)"
    )
    paused = forms.BooleanField(required=False, label="Pause check-ins")


class SmsTextsForm(forms.Form):
    checkin_text = forms.CharField(
        max_length=320, widget=forms.Textarea(attrs={"rows": 3}), label="Check-in text"
    )
    nudge_text = forms.CharField(
        max_length=320, widget=forms.Textarea(attrs={"rows": 2}), label="New message text"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """One pair of texts per language in settings.LANGUAGES (SPEC 11); empty
        means the translation shipped in locale/ (shown as the placeholder)."""
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            if code.lower() == settings.LANGUAGE_CODE.lower():
                continue
            for kind, label, rows in (
                ("checkin_text", "Check-in text", 3),
                ("nudge_text", "New message text", 2),
            ):
                shipped = checkin_services.sms_text_for(kind=kind, language=code)
                self.fields[f"{kind}__{code}"] = forms.CharField(
                    max_length=320,
                    required=False,
                    label=f"{label} ({name})",
                    widget=forms.Textarea(
                        attrs={"rows": rows, "lang": code, "dir": "auto", "placeholder": shipped}
                    ),
                )

    def translations(self) -> dict[str, dict[str, str]]:
        wording: dict[str, dict[str, str]] = {}
        for key, value in self.cleaned_data.items():
            if "__" in key:
                kind, code = key.split("__", 1)
                wording.setdefault(code, {})[kind] = value
        return wording


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def checkin_plan(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    here = reverse("staff-case-checkins", args=[survivor.pk])
    status = 200
    plan = checkin_selectors.checkin_plan(survivor=survivor)
    initial = (
        {
            "frequency": plan.frequency,
            "weekdays": plan.weekday_list,
            "send_at": plan.send_at,
            "reply_window_hours": plan.reply_window_hours,
            "paused": plan.paused,
        }
        if plan
        else {"frequency": CheckInPlan.Frequency.WEEKLY, "reply_window_hours": 24}
    )
    form = CheckInPlanForm(initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "lift_opt_out":
            checkin_services.sms_opt_out_lift(actor=request.user, survivor=survivor)
            messages.success(request, "Texts can be sent to her again.")
            return HttpResponseRedirect(here)
        form = CheckInPlanForm(request.POST)
        if form.is_valid():
            try:
                plan = checkin_services.checkin_plan_set(
                    actor=request.user, survivor=survivor, **form.cleaned_data
                )
            except CheckInError as error:
                form.add_error(None, error.message)
            else:
                why_none = checkin_selectors.checkin_why_none(survivor=survivor, plan=plan)
                messages.success(
                    request,
                    "Check-in plan saved. "
                    + ("No check-in will be sent: " + " ".join(why_none) if why_none else ""),
                )
                return HttpResponseRedirect(here)
        status = 400
    context = checkin_selectors.checkin_page_for_worker(survivor=survivor)
    staff_read_record(request, AuditAction.CHECKINS_VIEW, obj=survivor)
    context.update({"survivor": survivor, "form": form})
    return render(request, "staff/checkins/plan.html", context, status=status)


@staff_page(policy.can_edit_sms_texts)
@require_http_methods(["GET", "POST"])
def sms_texts(request: AuthenticatedHttpRequest) -> HttpResponse:
    texts = SmsTexts.load()
    initial = {"checkin_text": texts.checkin_text, "nudge_text": texts.nudge_text}
    for code, wording in texts.translations.items():
        for kind, text in wording.items():
            initial[f"{kind}__{code}"] = text
    form = SmsTextsForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = SmsTextsForm(request.POST)
        if form.is_valid():
            try:
                checkin_services.sms_texts_update(
                    actor=request.user,
                    checkin_text=form.cleaned_data["checkin_text"],
                    nudge_text=form.cleaned_data["nudge_text"],
                    translations=form.translations(),
                )
            except CheckInError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Texts saved.")
                return HttpResponseRedirect(reverse("staff-sms-texts"))
        status = 400
    context = {
        "form": form,
        "sender_name": checkin_services.sender_name(),
        "words": settings.DISCRETION_WORDS,
        "words_by_language": [
            (name, settings.DISCRETION_WORDS_BY_LANGUAGE.get(code, []))
            for code, name in settings.LANGUAGES
            if settings.DISCRETION_WORDS_BY_LANGUAGE.get(code)
        ],
    }
    return render(request, "staff/checkins/texts.html", context, status=status)
