"""Women's Support Service (WSS) workers: their own caseload and nothing else;
alerts (with the duty view of urgent ones across the service), the contact
log, disclosures and her messages. Every read of her record is audited."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.services import accounts
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import (
    AlertError,
    ContactChangeError,
    ContactLogError,
    DisclosureError,
    PortalError,
)
from survivors.forms import (
    AlertAcknowledgeForm,
    AlertEmailForm,
    CaseLanguageForm,
    ContactLogForm,
    ContactVerificationForm,
    DisclosureForm,
    MaracCloseForm,
    MaracReferralForm,
    ReengagementForm,
    SafeContactForm,
    SafeContactNotesForm,
    WindowFormSet,
)
from survivors.models import ClosureOutcome
from survivors.selectors import cases as cases_selectors
from survivors.selectors import cover as cover_selectors
from survivors.selectors import first_contact as first_contact_selectors
from survivors.selectors import lists as list_selectors
from survivors.selectors import subject_access as subject_access_selectors
from survivors.services import alerts as alerts_services
from survivors.services import contact_log, disclosures
from survivors.services.activation import activation_code_issue, survivor_lockout_lift
from survivors.services.safe_contact import safe_contact_update, survivor_language_set
from survivors.views.common import own_case


@staff_page(policy.is_wss_worker)
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    survivors = cases_selectors.caseload_with_casework(worker=request.user)
    # A read of every case on it (name, pause state, counts): one audit row each,
    # so each is on her access log (SPEC 2, 12).
    staff_read_record(
        request, AuditAction.CASELOAD_VIEW, shown=[survivor.pk for survivor in survivors]
    )
    return render(
        request,
        "staff/caseload.html",
        {
            "survivors": survivors,
            "is_duty": policy.is_duty_worker(request.user),
            "away_now": cover_selectors.current_absence(worker=request.user),
            "handled": cover_selectors.handled_in_absence(worker=request.user),
        },
    )


def _case_page(request: HttpRequest, survivor, **forms) -> HttpResponse:
    context = cases_selectors.case_record(survivor=survivor)
    context.update(
        contact_form=forms.get("contact_form") or ContactLogForm(),
        disclosure_form=forms.get("disclosure_form") or DisclosureForm(),
        ack_form=AlertAcknowledgeForm(),
        reengage_form=ReengagementForm(),
        marac_form=MaracReferralForm(),
        marac_close_form=MaracCloseForm(),
        closure_outcomes=ClosureOutcome.choices,
        contact_error=forms.get("contact_error", ""),
        disclosure_error=forms.get("disclosure_error", ""),
    )
    return render(
        request, "staff/case_detail.html", context, status=400 if forms.get("invalid") else 200
    )


@staff_page(policy.is_wss_worker)
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    return _case_page(request, survivor)


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def contact_log_add(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    form = ContactLogForm(request.POST)
    if form.is_valid():
        try:
            contact_log.contact_log_add(
                actor=request.user,
                survivor=survivor,
                kind=form.cleaned_data["kind"],
                outcome=form.cleaned_data["outcome"],
                happened_at=form.cleaned_data["happened_at"],
                note=form.cleaned_data["note"],
                urgent=form.cleaned_data["urgent"],
                urgent_reason=form.cleaned_data["urgent_reason"],
            )
        except ContactLogError as error:
            return _case_page(
                request, survivor, contact_form=form, contact_error=error.message, invalid=True
            )
        messages.success(request, "Contact logged.")
        return HttpResponseRedirect(reverse("staff-case", args=[case_id]) + "#contact-log")
    return _case_page(request, survivor, contact_form=form, invalid=True)


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def disclosure_add(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    form = DisclosureForm(request.POST)
    if form.is_valid():
        try:
            disclosures.disclosure_record(
                actor=request.user, survivor=survivor, **form.cleaned_data
            )
        except DisclosureError as error:
            return _case_page(
                request,
                survivor,
                disclosure_form=form,
                disclosure_error=error.message,
                invalid=True,
            )
        messages.success(request, "Disclosure recorded.")
        return HttpResponseRedirect(reverse("staff-case", args=[case_id]) + "#disclosures")
    return _case_page(request, survivor, disclosure_form=form, invalid=True)


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_activation_code(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A new one-time code for her account (set up, or reset after a lost phone)."""
    survivor = own_case(request, case_id)
    try:
        code = activation_code_issue(actor=request.user, survivor=survivor)
    except PortalError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("staff-case", args=[case_id]))
    return render(request, "staff/activation_code.html", {"survivor": survivor, "code": code})


@staff_page(policy.is_wss_worker)
@require_http_methods(["POST"])
def case_unlock(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor = own_case(request, case_id)
    try:
        survivor_lockout_lift(actor=request.user, survivor=survivor)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "She can sign in again now.")
    return HttpResponseRedirect(reverse("staff-case", args=[case_id]))


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge an alert with a note: her worker, or the duty worker if urgent."""
    alert = found(cases_selectors.alert_for_actor(user=request.user, alert_id=alert_id))
    form = AlertAcknowledgeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                alerts_services.alert_acknowledge(
                    actor=request.user, alert=alert, note=form.cleaned_data["note"]
                )
            except AlertError as failure:
                error = str(failure.message)
            else:
                messages.success(request, "Alert acknowledged.")
                own = policy.can_work_with_survivor(request.user, alert.survivor)
                target = (
                    reverse("staff-case", args=[alert.survivor_id])
                    if own
                    else reverse("staff-duty")
                )
                return HttpResponseRedirect(target)
        else:
            error = "Write a short note saying what you did about this alert."
    own = policy.can_work_with_survivor(request.user, alert.survivor)
    # A read of her record: the duty worker also sees her safe-contact details
    # to act on an urgent alert.
    staff_read_record(
        request,
        AuditAction.ALERT_VIEW if own else AuditAction.SURVIVOR_VIEW_DUTY,
        obj=alert,
        survivor=alert.survivor,
    )
    return render(
        request,
        "staff/alert_detail.html",
        {
            "alert": alert,
            "survivor": alert.survivor,
            "windows": list(alert.survivor.windows.all()),
            "form": form,
            "error": error,
            "own_case": own,
        },
        status=400 if error else 200,
    )


@staff_page(policy.is_duty_worker)
def duty(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    listing = list_selectors.duty_alerts_page(params=request.GET)
    urgent_rows = cover_selectors.alert_deadlines(alerts=listing.page, now=now)
    covered = cover_selectors.cover_items(now=now)
    away = cover_selectors.absences_on(timezone.localdate(now))
    # Referrals and cases past their first-contact target (SPEC 13).
    late_referrals, late_cases = first_contact_selectors.past_target(now=now)
    # Each case on the page is read (SPEC 12): one audit row per case shown.
    shown = (
        [alert.survivor_id for alert in listing.page]
        + [item.survivor_id for item in covered]
        + [row.survivor_id for row in late_cases]
    )
    staff_read_record(request, AuditAction.DUTY_VIEW, shown=shown)
    return render(
        request,
        "staff/duty.html",
        {
            "listing": listing,
            "urgent_rows": urgent_rows,
            "covered": covered,
            "away": away,
            "away_worker_ids": {absence.worker_id for absence in away},
            "late_referrals": late_referrals,
            "late_cases": late_cases,
            # Her records requests due within a week, until answered (SPEC 12).
            "records_due": subject_access_selectors.requests_due(today=timezone.localdate(now)),
            "today": timezone.localdate(now),
        },
        status=400 if listing.invalid else 200,
    )


@staff_page(policy.is_staff_member)
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Her own alert-email choice (any staff member)."""
    user = request.user
    form = AlertEmailForm(
        request.POST or None, initial={"email": user.email, "alert_emails": user.alert_emails}
    )
    if request.method == "POST":
        if form.is_valid():
            accounts.staff_preferences_update(
                actor=user,
                email=form.cleaned_data["email"],
                alert_emails=form.cleaned_data["alert_emails"],
            )
            messages.success(request, "Saved.")
            return HttpResponseRedirect(reverse("staff-account"))
        return render(request, "staff/account.html", {"form": form}, status=400)
    return render(request, "staff/account.html", {"form": form})


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_safe_contact(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Her worker records the safe-contact details she gave by phone or in person
    (the same rules as her own settings page; every change audited), saying how
    she checked it was her (SPEC 12)."""

    survivor = own_case(request, case_id)
    status = 200
    if request.method == "POST":
        form = SafeContactForm(request.POST)
        notes = SafeContactNotesForm(request.POST)
        windows = WindowFormSet(request.POST, prefix="window")
        language = CaseLanguageForm(request.POST)
        verify = ContactVerificationForm(request.POST)
        valid = [f.is_valid() for f in (form, windows, notes, language, verify)]
        if all(valid):
            chosen = windows.chosen_windows()
            try:
                with transaction.atomic():  # both or neither
                    safe_contact_update(
                        actor=request.user,
                        survivor=survivor,
                        safe_phone=form.cleaned_data["safe_phone"],
                        voicemail_safe=form.cleaned_data["voicemail_safe"],
                        code_word=form.cleaned_data["code_word"],
                        sms_nudges=form.cleaned_data["sms_nudges"],
                        windows=chosen,
                        notes=notes.cleaned_data["notes"],
                        verification=verify.cleaned_data["verification"],
                    )
                    survivor_language_set(
                        actor=request.user, survivor=survivor, **language.cleaned_data
                    )
            except ContactChangeError as error:
                verify.add_error("verification", error.message)
            except PortalError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Safe-contact details saved.")
                return HttpResponseRedirect(reverse("staff-case", args=[case_id]))
        status = 400
    else:
        form = SafeContactForm(
            initial={
                "safe_phone": survivor.safe_phone,
                "voicemail_safe": survivor.voicemail_safe,
                "code_word": survivor.code_word,
                "sms_nudges": survivor.sms_nudges,
            }
        )
        notes = SafeContactNotesForm(initial={"notes": survivor.safe_contact_notes})
        language = CaseLanguageForm(
            initial={"language": survivor.language, "needs_interpreter": survivor.needs_interpreter}
        )
        windows = WindowFormSet(
            initial=[
                {"weekday": w.weekday, "starts_at": w.starts_at, "ends_at": w.ends_at}
                for w in survivor.windows.all()
            ],
            prefix="window",
        )
        verify = ContactVerificationForm()
    return render(
        request,
        "staff/safe_contact.html",
        {
            "survivor": survivor,
            "form": form,
            "notes": notes,
            "windows": windows,
            "language": language,
            "verify": verify,
        },
        status=status,
    )
