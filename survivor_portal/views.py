"""The survivor-facing site: sign-in, her home page, leaving quickly, health."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from contacts import policy
from contacts.errors import PortalError
from contacts.models import AuditAction, User
from contacts.services import audit
from survivors.forms import SafeContactForm, WindowFormSet
from survivors.models import Survivor
from survivors.selectors import portal as portal_selectors
from survivors.services import alerts
from survivors.services import portal as portal_services

from .account import account_for
from .auth import PORTAL_BACKEND
from .context_processors import branding_for
from .forms import (
    ActivationForm,
    LanguageForm,
    RemoveSecondPassphraseForm,
    SecondPassphraseForm,
    SignInForm,
)
from .languages import SESSION_KEY as LANGUAGE_SESSION_KEY
from .languages import language_at_sign_in, language_for_visit, language_of, language_supported
from .portal_state import StateUnreadable, state_for, state_start

logger = logging.getLogger(__name__)

SIGN_IN_FAILED = gettext_lazy(
    "That username and passphrase did not match. Check them and try again."
)
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'

PLAIN_STATUS = {
    "referred": gettext_lazy("Referred: he has not started yet"),
    "assessment": gettext_lazy("Being assessed to see if the course is right for him"),
    "attending": gettext_lazy("Going to group sessions"),
    "suspended": gettext_lazy("Suspended: he cannot go to sessions for now"),
    "dropped_out": gettext_lazy("Stopped going (dropped out)"),
    "completed": gettext_lazy("Finished the course"),
    "order_breached": gettext_lazy("Broke the conditions of a court order"),
}
# What she reads instead of a next session when he is not expected at one.
NOT_AT_SESSIONS = {
    "referred": gettext_lazy("He has not started group sessions yet."),
    "assessment": gettext_lazy("He has not started group sessions yet."),
    "suspended": gettext_lazy("He is not expected at group sessions while he is suspended."),
    "dropped_out": gettext_lazy("He is no longer expected at group sessions."),
    "completed": gettext_lazy("He has finished the course: there are no more sessions for him."),
    "order_breached": gettext_lazy("He is not expected at group sessions at the moment."),
}
PLAIN_MARK = {
    "attended": gettext_lazy("Attended"),
    "late": gettext_lazy("Attended, arrived late"),
    "missed": gettext_lazy("Missed"),
    "excused": gettext_lazy("Missed, with a reason accepted"),
}


def _redirect(path: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(path)
    response.status_code = 303  # after a form post, always GET the next page
    return response


def survivor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Her own pages: only a signed-in survivor; anyone else goes to sign-in.
    She reaches her data through her session, never through an id in the URL."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not policy.is_survivor(request.user):
            return HttpResponseRedirect("/")
        survivor = portal_selectors.portal_survivor(user=request.user)
        if survivor is None:
            return HttpResponseRedirect("/")
        try:
            state_for(request)
        except StateUnreadable:
            # Never guess which account to show: sign out instead.
            return _end_session(request, "/")
        return view(request, survivor, *args, **kwargs)

    return never_cache(wrapped)


def _end_session(request: HttpRequest, target: str) -> HttpResponse:
    logout(request)
    response = HttpResponseRedirect(target)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


# --- Signing in ---------------------------------------------------------------------


def _sign_in(request: HttpRequest, username: str, passphrase: str) -> tuple[str, User | None]:
    """Check a username and passphrase with the same work whatever happens: one
    query and two password hashes (``survivor_portal.auth``), django-axes
    counting failures. Returns ("ok" | "quiet" | "failed" | "locked", user)."""
    user = authenticate(request, username=username, password=passphrase, portal=True)
    if getattr(request, "axes_locked_out", False):
        return "locked", None
    if user is not None and policy.is_survivor(user):
        return ("quiet" if getattr(user, "portal_quiet", False) else "ok"), user
    return "failed", None


def _start_session(request: HttpRequest, user: User, *, quiet: bool) -> None:
    login(request, user, backend=PORTAL_BACKEND)  # a new session key
    now = int(time.time())
    request.session["started_at"] = now
    request.session["last_seen"] = now
    state_start(request, quiet=quiet)


@never_cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Sign-in, or her home page once she is signed in."""
    if policy.is_survivor(request.user):
        return _status_page(request)
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST":
        error = SIGN_IN_FAILED
        status = 400
        if form.is_valid():
            outcome, user = _sign_in(
                request, form.cleaned_data["username"], form.cleaned_data["passphrase"]
            )
            if outcome in ("ok", "quiet") and user is not None:
                with transaction.atomic():
                    survivor = user.survivor  # loaded with the account by the backend
                    if outcome == "quiet":
                        alerts.alert_raise(survivor=survivor, kind="duress", urgent=True)
                    audit.audit_record(actor=user, action=AuditAction.PORTAL_SIGN_IN, obj=survivor)
                _start_session(request, user, quiet=outcome == "quiet")
                # Her stored language (not the browser's), in either kind of session.
                language_at_sign_in(request, survivor.language)
                return _redirect("/")
    return render(request, "portal/sign_in.html", {"form": form, "error": error}, status=status)


def _status_page(request: HttpRequest) -> HttpResponse:
    try:
        context = account_for(request).home()
    except (Survivor.DoesNotExist, StateUnreadable):
        return _end_session(request, "/")
    participant = context["participant"]
    if participant is not None:
        context["plain_status"] = PLAIN_STATUS.get(participant.status, participant.status)
        context["not_at_sessions"] = NOT_AT_SESSIONS.get(participant.status, "")
        context["sessions"] = [
            (starts_at, PLAIN_MARK.get(mark, mark)) for starts_at, mark in context["attendance"]
        ]
        # The rendered news is kept per process under everything it is made
        # from (issue 13): the version derived from her one query, the language
        # and the time zone. Only a page with news uses it; the decoy never has any.
        context["status_key"] = (
            f"{context['version']}:{get_language()}:{timezone.get_current_timezone_name()}"
        )
        if not _has_notices(request):
            return _kept_page(request, "portal/status.html", context)
    return render(request, "portal/status.html", context)


# The whole status page, kept per process (issue 13) under everything it is
# made from: her record's version (which names her: a digest over her own row),
# her language, the time zone and the branding. The only part that differs
# from one request to the next is the CSRF token of its two forms (sign-out and
# language): it is stored as a slot and filled with a fresh masked token from
# ``get_token`` on every response, exactly as rendering would. A page with
# notices to show is rendered as usual (notices are read once).
CSRF_SLOT = "\x00csrf-token\x00"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _has_notices(request: HttpRequest) -> bool:
    return bool(len(messages.get_messages(request)))


def _branding_key(request: HttpRequest) -> str:
    b = branding_for(request)
    return repr((b.site_name, b.short_name, b.primary_colour, b.favicon, b.quick_exit_url))


def _kept_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    fragments = caches["portal_fragments"]
    key = (
        "page:"
        + hashlib.sha256(
            f"{template}\x00{context['status_key']}\x00{_branding_key(request)}".encode()
        ).hexdigest()
    )
    kept = fragments.get(key)
    if kept is None:
        response = render(request, template, context)
        html = response.content.decode()
        tokens = set(_CSRF_FIELD.findall(html))
        if len(tokens) != 1 or CSRF_SLOT in html:
            return response  # not the page this was written for: never kept
        fragments.set(key, html.replace(tokens.pop(), CSRF_SLOT), 600)
        return response
    return HttpResponse(kept.replace(CSRF_SLOT, get_token(request)))


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
                user = portal_services.survivor_activate(
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
                chosen = request.session.get(LANGUAGE_SESSION_KEY)
                _start_session(request, user, quiet=False)
                survivor = Survivor.objects.get(user=user)
                if chosen and not survivor.language:
                    # The language she chose for this visit becomes hers.
                    portal_services.survivor_language_set(
                        actor=user, survivor=survivor, language=chosen
                    )
                language_at_sign_in(request, survivor.language)
                messages.success(request, _("Your account is ready. You are signed in."))
                return _redirect("/")
    return render(request, "portal/activate.html", {"form": form}, status=status)


# --- Her settings -------------------------------------------------------------------


def _window_initial(windows: list) -> list[dict[str, object]]:
    return [{"weekday": w.weekday, "starts_at": w.starts_at, "ends_at": w.ends_at} for w in windows]


@survivor_page
@require_http_methods(["GET", "POST"])
def contact_settings(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    """When and how it is safe to contact her."""
    account = account_for(request, survivor)
    current = account.safe_contact()
    status = 200
    if request.method == "POST":
        form = SafeContactForm(request.POST)
        windows = WindowFormSet(request.POST, prefix="window")
        if form.is_valid() and windows.is_valid():
            try:
                account.safe_contact_update(
                    safe_phone=form.cleaned_data["safe_phone"],
                    voicemail_safe=form.cleaned_data["voicemail_safe"],
                    code_word=form.cleaned_data["code_word"],
                    sms_nudges=form.cleaned_data["sms_nudges"],
                    windows=windows.chosen_windows(),
                )
            except PortalError as error:
                form.add_error(None, error.message)
            if not form.errors:
                messages.success(request, _("Saved. Your worker will follow these settings."))
                return _redirect(reverse("portal-settings"))
        status = 400
    else:
        fields = ("safe_phone", "voicemail_safe", "code_word", "sms_nudges")
        initial = {k: current[k] for k in fields}
        form = SafeContactForm(initial=initial)
        windows = WindowFormSet(initial=_window_initial(current["windows"]), prefix="window")
    context = {
        "form": form,
        "windows": windows,
        "contact_paused": current["contact_paused"],
        "has_second_passphrase": current["has_second_passphrase"],
        "language_form": LanguageForm(
            initial={
                "language": language_supported(current["language"]) or language_of(request),
                "needs_interpreter": current["needs_interpreter"],
            }
        ),
    }
    return render(request, "portal/settings.html", context, status=status)


@survivor_page
@require_POST
def pause(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    """One tap: pause all contact, or resume it."""
    paused = request.POST.get("paused") == "1"
    account_for(request, survivor).pause(paused=paused)
    if paused:
        messages.success(request, _("All contact is paused. Nobody will call or text you."))
    else:
        messages.success(request, _("Contact has started again, inside your safe times."))
    return _redirect("/settings/")


@survivor_page
@require_http_methods(["GET", "POST"])
def second_passphrase(request: HttpRequest, survivor: Survivor) -> HttpResponse:
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
                return _redirect("/settings/")
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
                return _redirect("/settings/")
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
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch (SPEC 11). Before sign-in it lasts for this visit
    only; signed in, it is her choice and is stored on her account (the decoy
    keeps it in its own session). From her settings page it also carries
    whether she would like an interpreter."""
    target = _local_next(request)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _redirect(target)
    code = form.cleaned_data["language"]
    if policy.is_survivor(request.user):
        survivor = portal_selectors.portal_survivor(user=request.user)
        if survivor is None:
            return HttpResponseRedirect("/")
        try:
            account = account_for(request, survivor)
        except StateUnreadable:
            return _end_session(request, "/")
        interpreter = (
            form.cleaned_data["needs_interpreter"] if request.POST.get("with_interpreter") else None
        )
        account.language_set(language=code, needs_interpreter=interpreter)
        language_for_visit(request, code)
        if interpreter is not None:
            messages.success(request, _("Saved. Your worker will follow these settings."))
    else:
        language_for_visit(request, code)
    return _redirect(target)


# --- Leaving ------------------------------------------------------------------------


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out: end the session server-side, clear site data, back to sign-in."""
    return _end_session(request, "/")


@never_cache
def leave(request: HttpRequest) -> HttpResponse:
    """Quick exit: end the session server-side, clear site data, and go somewhere
    neutral (comms staff choose where). Works as a plain link without JavaScript."""
    destination = branding_for(request).quick_exit_url or settings.QUICK_EXIT_URL
    return _end_session(request, destination)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachability; no personal data."""
    checks = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        checks["database"] = "unreachable"
    try:
        from kombu import Connection

        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("health: broker unreachable")
        checks["broker"] = "unreachable"
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "degraded", **checks}, status=200 if ok else 503)
