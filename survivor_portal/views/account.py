"""Her account: turning her worker's code into a username and passphrase, and
her settings (SPEC 4: when and how it is safe to contact her, pausing all
contact, her second passphrase; SPEC 11: her language)."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from survivors.errors import OutcomesError, PortalError
from survivors.forms import WindowFormSet
from survivors.models import Survivor
from survivors.selectors import portal as portal_selectors
from survivors.services.activation import survivor_activate
from survivors.services.sign_in import portal_visit_language_keep

from ..account import account_for
from ..forms import (
    ActivationForm,
    LanguageForm,
    OutcomesChoiceForm,
    PortalSafeContactForm,
    RemoveSecondPassphraseForm,
    SecondPassphraseForm,
)
from ..languages import SESSION_KEY as LANGUAGE_SESSION_KEY
from ..languages import language_at_sign_in, language_for_visit, language_of, language_supported
from ..portal_state import StateUnreadable
from .common import (
    redirect_see_other,
    session_end,
    session_start,
    survivor_page,
)


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """She turns the code her worker gave her into a username and passphrase."""
    if policy.is_survivor(request.user):
        return HttpResponseRedirect("/")
    form = ActivationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = survivor_activate(
                    code=data["code"],
                    username=data["username"],
                    passphrase=data["passphrase"],
                    address=get_client_ip_address(request) or "",
                )
            except PortalError as error:
                field = {
                    "invalid_code": "code",
                    "username_unavailable": "username",
                    "username_invalid": "username",
                    "weak_passphrase": "passphrase",
                }.get(error.code)
                form.add_error(field, error.message)
                if error.code == "activation_rate_limited":
                    status = 429
            else:
                chosen = request.session.get(LANGUAGE_SESSION_KEY) or ""
                session_start(request, user, quiet=False)
                survivor = portal_visit_language_keep(user=user, language=chosen)
                language_at_sign_in(request, survivor.language)
                messages.success(request, _("Your account is ready. You are signed in."))
                return redirect_see_other("/")
    return render(request, "portal/activate.html", {"form": form}, status=status)


# --- Her settings -------------------------------------------------------------------


def _window_initial(windows: list) -> list[dict[str, object]]:
    return [{"weekday": w.weekday, "starts_at": w.starts_at, "ends_at": w.ends_at} for w in windows]


@survivor_page
@require_http_methods(["GET", "POST"])
def contact_settings(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    """When and how it is safe to contact her; saved with her passphrase (SPEC 12)."""
    account = account_for(request, survivor)
    current = account.safe_contact()
    choice = account.outcomes_choice()
    outcomes_form = OutcomesChoiceForm(
        initial={"agreed": "yes" if choice["agreed"] else "no", "in_portal": choice["in_portal"]},
        prefix="outcomes",
    )
    status = 200
    if request.method == "POST" and request.POST.get("section") == "outcomes":
        # Helping us improve (SPEC 14): her choice, on its own.
        outcomes_form = OutcomesChoiceForm(request.POST, prefix="outcomes")
        if outcomes_form.is_valid():
            agreed = outcomes_form.cleaned_data["agreed"]
            try:
                account.outcomes_set(
                    agreed=agreed, in_portal=outcomes_form.cleaned_data["in_portal"]
                )
            except (OutcomesError, PortalError) as error:
                outcomes_form.add_error(None, error.message)
            else:
                if agreed:
                    messages.success(request, _("Saved. Your answers can be used."))
                else:
                    messages.success(request, _("Saved. Your answers will not be used."))
                return redirect_see_other(reverse("portal-settings") + "#improve-heading")
        status = 400
        fields = ("safe_phone", "voicemail_safe", "code_word", "sms_nudges")
        form = PortalSafeContactForm(initial={k: current[k] for k in fields})
        windows = WindowFormSet(initial=_window_initial(current["windows"]), prefix="window")
    elif request.method == "POST":
        form = PortalSafeContactForm(request.POST)
        windows = WindowFormSet(request.POST, prefix="window")
        if form.is_valid() and windows.is_valid():
            try:
                account.safe_contact_update(
                    safe_phone=form.cleaned_data["safe_phone"],
                    voicemail_safe=form.cleaned_data["voicemail_safe"],
                    code_word=form.cleaned_data["code_word"],
                    sms_nudges=form.cleaned_data["sms_nudges"],
                    windows=windows.chosen_windows(),
                    current_passphrase=form.cleaned_data["current_passphrase"],
                )
            except PortalError as error:
                field = "current_passphrase" if error.code == "wrong_passphrase" else None
                form.add_error(field, error.message)
            if not form.errors:
                messages.success(request, _("Saved. Your worker will follow these settings."))
                return redirect_see_other(reverse("portal-settings"))
        status = 400
    else:
        fields = ("safe_phone", "voicemail_safe", "code_word", "sms_nudges")
        initial = {k: current[k] for k in fields}
        form = PortalSafeContactForm(initial=initial)
        windows = WindowFormSet(initial=_window_initial(current["windows"]), prefix="window")
    context = {
        "form": form,
        "windows": windows,
        "contact_paused": current["contact_paused"],
        "has_second_passphrase": current["has_second_passphrase"],
        "outcomes_form": outcomes_form,
        "language_form": LanguageForm(
            initial={
                "language": language_supported(current["language"]) or language_of(request),
                "needs_interpreter": current["needs_interpreter"],
            }
        ),
    }
    return render(request, "portal/settings.html", context, status=status)


@survivor_page
@require_http_methods(["POST"])
def pause(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    """One tap: pause all contact, or resume it."""
    paused = request.POST.get("paused") == "1"
    account_for(request, survivor).pause(paused=paused)
    if paused:
        messages.success(request, _("All contact is paused. Nobody will call or text you."))
    else:
        messages.success(request, _("Contact has started again, inside your safe times."))
    return redirect_see_other("/settings/")


@survivor_page
@require_http_methods(["GET", "POST"])
def second_passphrase(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    """A second passphrase: signing in with it shows an empty account and quietly
    tells her worker she may be in danger. Changing or removing it needs her
    usual passphrase."""
    account = account_for(request, survivor)
    has_one = account.safe_contact()["has_second_passphrase"]
    removing = request.method == "POST" and request.POST.get("remove") == "1"
    form = SecondPassphraseForm(request.POST if request.method == "POST" and not removing else None)
    remove_form = RemoveSecondPassphraseForm(request.POST if removing else None, prefix="remove")
    status = 200
    if removing:
        status = 400
        if remove_form.is_valid():
            try:
                account.second_passphrase_remove(
                    current_passphrase=remove_form.cleaned_data["current_passphrase"]
                )
            except PortalError as error:
                remove_form.add_error("current_passphrase", error.message)
            else:
                messages.success(request, _("Your second passphrase is removed."))
                return redirect_see_other("/settings/")
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                account.second_passphrase_set(
                    passphrase=form.cleaned_data["second_passphrase"],
                    current_passphrase=form.cleaned_data["current_passphrase"],
                )
            except PortalError as error:
                field = {
                    "wrong_passphrase": "current_passphrase",
                    "same_as_passphrase": "second_passphrase",
                    "weak_passphrase": "second_passphrase",
                }.get(error.code)
                form.add_error(field, error.message)
            else:
                messages.success(request, _("Your second passphrase is saved."))
                return redirect_see_other("/settings/")
    context = {"form": form, "remove_form": remove_form, "has_one": has_one}
    return render(request, "portal/second_passphrase.html", context, status=status)


# --- Her language -------------------------------------------------------------------


def _local_next(request: HttpRequest, fallback: str = "/") -> str:
    """Where the switch goes back to: the form's ``next`` (her settings page), else
    the page it was on (the Referer, same site only: Referrer-Policy same-origin),
    else the start. Never another site."""
    target = request.POST.get("next") or ""
    if not target:
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.netloc == request.get_host():
            target = referer.path + (f"?{referer.query}" if referer.query else "")
    if (
        not target.startswith("/")
        or target.startswith("//")
        or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return fallback
    return target


@never_cache
@require_http_methods(["POST"])
def language(request: HttpRequest) -> HttpResponse:
    """The language switch (SPEC 11). Before sign-in it lasts for this visit
    only; signed in, it is her choice and is stored on her account (the decoy
    keeps it in its own session). From her settings page it also carries
    whether she would like an interpreter."""
    target = _local_next(request)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect_see_other(target)
    code = form.cleaned_data["language"]
    if policy.is_survivor(request.user):
        survivor = portal_selectors.portal_survivor(user=request.user)
        if survivor is None:
            return HttpResponseRedirect("/")
        try:
            # Signed in: a survivor's account is on the request.
            account = account_for(cast(AuthenticatedHttpRequest, request), survivor)
        except StateUnreadable:
            return session_end(request, "/")
        interpreter = (
            form.cleaned_data["needs_interpreter"] if request.POST.get("with_interpreter") else None
        )
        account.language_set(language=code, needs_interpreter=interpreter)
        language_for_visit(request, code)
        if interpreter is not None:
            messages.success(request, _("Saved. Your worker will follow these settings."))
    else:
        language_for_visit(request, code)
    return redirect_see_other(target)
