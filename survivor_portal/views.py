"""The survivor-facing site: sign-in, her home page, leaving quickly, health."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import time as dt_time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from contacts import policy, selectors, services
from contacts.errors import PortalError
from contacts.models import Survivor, User

from .context_processors import branding_for
from .forms import (
    ActivationForm,
    SafeContactForm,
    SecondPassphraseForm,
    SignInForm,
    WindowFormSet,
)

logger = logging.getLogger(__name__)

SIGN_IN_FAILED = "That username and passphrase did not match. Check them and try again."
DURESS_SESSION_KEY = "portal_quiet"  # neutral name: visible to nobody, but still
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

PLAIN_STATUS = {
    "referred": "Referred: he has not started yet",
    "assessment": "Being assessed to see if the course is right for him",
    "attending": "Going to group sessions",
    "suspended": "Suspended: he cannot go to sessions for now",
    "dropped_out": "Stopped going (dropped out)",
    "completed": "Finished the course",
    "order_breached": "Broke the conditions of a court order",
}
PLAIN_MARK = {
    "attended": "Attended",
    "late": "Attended, arrived late",
    "missed": "Missed",
    "excused": "Missed, with a reason accepted",
}


def _redirect(path: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(path)
    response.status_code = 303  # after a form post, always GET the next page
    return response


def in_duress(request: HttpRequest) -> bool:
    return bool(request.session.get(DURESS_SESSION_KEY))


def survivor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Her own pages: only a signed-in survivor; anyone else goes to sign-in.
    She reaches her data through her session, never through an id in the URL."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not policy.is_survivor(request.user):
            return HttpResponseRedirect("/")
        survivor = selectors.portal_survivor(user=request.user)
        if survivor is None:
            return HttpResponseRedirect("/")
        return view(request, survivor, *args, **kwargs)

    return never_cache(wrapped)


def _end_session(request: HttpRequest, target: str) -> HttpResponse:
    logout(request)
    response = HttpResponseRedirect(target)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


# --- Signing in ---------------------------------------------------------------------


def _sign_in(request: HttpRequest, username: str, passphrase: str) -> tuple[str, User | None]:
    """Check a username and passphrase the same way whether or not the account
    exists: one lookup and one hash for the second passphrase (a dummy when
    there is none), then Django's own check with django-axes counting failures.
    Returns ("ok" | "quiet" | "failed" | "locked", user)."""
    second = (
        Survivor.objects.filter(
            user__username=username, user__kind=User.Kind.SURVIVOR, user__is_active=True
        )
        .values_list("duress_passphrase", flat=True)
        .first()
    )
    quiet = check_password(passphrase, second or "")
    user = authenticate(request, username=username, password=passphrase)
    if getattr(request, "axes_locked_out", False):
        return "locked", None
    if user is not None and policy.is_survivor(user):
        return "ok", user
    if user is None and quiet and second:
        candidate = User.objects.filter(username=username, kind=User.Kind.SURVIVOR).first()
        if candidate is not None:
            return "quiet", candidate
    return "failed", None


def _start_session(request: HttpRequest, user: User, *, quiet: bool) -> None:
    login(request, user, backend=MODEL_BACKEND)  # a new session key
    now = int(time.time())
    request.session["started_at"] = now
    request.session["last_seen"] = now
    if quiet:
        request.session[DURESS_SESSION_KEY] = True


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
                    survivor = Survivor.objects.filter(user=user).first()
                    if outcome == "quiet" and survivor is not None:
                        services.alert_raise(survivor=survivor, kind="duress", urgent=True)
                    services.audit_record(actor=user, action="portal.sign_in", obj=survivor)
                _start_session(request, user, quiet=outcome == "quiet")
                return _redirect("/")
    return render(request, "portal/sign_in.html", {"form": form, "error": error}, status=status)


def _status_page(request: HttpRequest) -> HttpResponse:
    context = selectors.portal_home(user=request.user, duress=in_duress(request))
    participant = context["participant"]
    if participant is not None:
        context["plain_status"] = PLAIN_STATUS.get(participant.status, participant.status)
        context["sessions"] = [
            (starts_at, PLAIN_MARK.get(mark, mark)) for starts_at, mark in context["attendance"]
        ]
    return render(request, "portal/status.html", context)


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
                user = services.survivor_activate(
                    code=data["code"], username=data["username"], passphrase=data["passphrase"]
                )
            except PortalError as error:
                field = {
                    "invalid_code": "code",
                    "username_taken": "username",
                    "username_invalid": "username",
                    "weak_passphrase": "passphrase",
                }.get(error.code)
                form.add_error(field, error.message)
            else:
                _start_session(request, user, quiet=False)
                messages.success(request, "Your account is ready. You are signed in.")
                return _redirect("/")
    return render(request, "portal/activate.html", {"form": form}, status=status)


# --- Her settings -------------------------------------------------------------------


def _quiet_settings(request: HttpRequest) -> dict[str, object]:
    """Under the second passphrase: what was "saved" in this session only, so
    the account behaves normally while nothing real is shown or changed."""
    saved = request.session.get(DURESS_SESSION_KEY + "_settings", {})
    windows = [
        services.Window(weekday=w, starts_at=time_of(a), ends_at=time_of(b))
        for w, a, b in saved.get("windows", [])
    ]
    return {
        "safe_phone": saved.get("safe_phone", ""),
        "voicemail_safe": saved.get("voicemail_safe", False),
        "code_word": saved.get("code_word", ""),
        "sms_nudges": saved.get("sms_nudges", False),
        "contact_paused": saved.get("contact_paused", False),
        "has_second_passphrase": False,
        "windows": windows,
    }


def _remember_quiet_settings(request: HttpRequest, data: dict, windows: list) -> None:
    key = DURESS_SESSION_KEY + "_settings"
    saved = dict(request.session.get(key, {}))
    saved.update({k: data[k] for k in ("safe_phone", "voicemail_safe", "code_word", "sms_nudges")})
    saved["windows"] = [
        (w.weekday, w.starts_at.strftime("%H:%M"), w.ends_at.strftime("%H:%M")) for w in windows
    ]
    request.session[key] = saved


def time_of(text: str) -> dt_time:
    hours, minutes = text.split(":")
    return dt_time(int(hours), int(minutes))


def _window_initial(windows: list) -> list[dict[str, object]]:
    return [{"weekday": w.weekday, "starts_at": w.starts_at, "ends_at": w.ends_at} for w in windows]


@survivor_page
@require_http_methods(["GET", "POST"])
def contact_settings(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    """When and how it is safe to contact her."""
    quiet = in_duress(request)
    current = (
        _quiet_settings(request)
        if quiet
        else selectors.safe_contact_for_survivor(survivor=survivor)
    )
    status = 200
    if request.method == "POST":
        form = SafeContactForm(request.POST)
        windows = WindowFormSet(request.POST, prefix="window")
        if form.is_valid() and windows.is_valid():
            chosen = windows.chosen_windows()
            if quiet:
                _remember_quiet_settings(request, form.cleaned_data, chosen)
            else:
                try:
                    services.safe_contact_update(
                        actor=request.user,
                        survivor=survivor,
                        safe_phone=form.cleaned_data["safe_phone"],
                        voicemail_safe=form.cleaned_data["voicemail_safe"],
                        code_word=form.cleaned_data["code_word"],
                        sms_nudges=form.cleaned_data["sms_nudges"],
                        windows=chosen,
                    )
                except PortalError as error:
                    form.add_error(None, error.message)
            if not form.errors:
                messages.success(request, "Saved. Your worker will follow these settings.")
                return _redirect(request.path)
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
    }
    return render(request, "portal/settings.html", context, status=status)


@survivor_page
@require_POST
def pause(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    """One tap: pause all contact, or resume it."""
    paused = request.POST.get("paused") == "1"
    if in_duress(request):
        key = DURESS_SESSION_KEY + "_settings"
        request.session[key] = {**request.session.get(key, {}), "contact_paused": paused}
    else:
        services.contact_pause(survivor=survivor, paused=paused, actor=request.user)
    if paused:
        messages.success(request, "All contact is paused. Nobody will call or text you.")
    else:
        messages.success(request, "Contact has started again, inside your safe times.")
    return _redirect("/settings/")


@survivor_page
@require_http_methods(["GET", "POST"])
def second_passphrase(request: HttpRequest, survivor: Survivor) -> HttpResponse:
    """A second passphrase: signing in with it shows an empty account and quietly
    tells her worker she may be in danger."""
    quiet = in_duress(request)
    has_one = bool(survivor.duress_passphrase) and not quiet
    form = SecondPassphraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("remove") == "1":
            if not quiet:
                services.duress_passphrase_clear(survivor=survivor, actor=request.user)
            messages.success(request, "Your second passphrase is removed.")
            return _redirect("/settings/")
        status = 400
        if form.is_valid():
            try:
                if quiet:
                    if not request.user.check_password(form.cleaned_data["current_passphrase"]):
                        raise PortalError("wrong_passphrase")
                else:
                    services.duress_passphrase_set(
                        survivor=survivor,
                        passphrase=form.cleaned_data["second_passphrase"],
                        current_passphrase=form.cleaned_data["current_passphrase"],
                        actor=request.user,
                    )
            except PortalError as error:
                field = {
                    "wrong_passphrase": "current_passphrase",
                    "same_as_passphrase": "second_passphrase",
                    "weak_passphrase": "second_passphrase",
                }.get(error.code)
                form.add_error(field, error.message)
            else:
                messages.success(request, "Your second passphrase is saved.")
                return _redirect("/settings/")
    return render(
        request, "portal/second_passphrase.html", {"form": form, "has_one": has_one}, status=status
    )


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
    except Exception:  # noqa: BLE001 - any failure means unreachable
        checks["database"] = "unreachable"
    try:
        from kombu import Connection

        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001
        logger.warning("health: broker unreachable")
        checks["broker"] = "unreachable"
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "degraded", **checks}, status=200 if ok else 503)
