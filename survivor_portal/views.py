"""The survivor-facing site: sign-in, her home page, leaving quickly, health."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from contacts import policy, selectors

from .forms import SignInForm

logger = logging.getLogger(__name__)

SIGN_IN_FAILED = "That username and passphrase did not match. Check them and try again."


@never_cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if policy.is_survivor(request.user):
        return render(request, "portal/status.html", selectors.portal_status(user=request.user))
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["passphrase"],
        )
        if user is not None and policy.is_survivor(user):
            login(request, user)  # rotates the session key
            return HttpResponseRedirect(request.path)
        error = SIGN_IN_FAILED
    elif request.method == "POST":
        error = SIGN_IN_FAILED
    return render(request, "portal/sign_in.html", {"form": form, "error": error})


@never_cache
def leave(request: HttpRequest) -> HttpResponse:
    """Quick exit and sign-out: end the session server-side, clear site data,
    and go somewhere neutral. Works as a plain link without JavaScript."""
    logout(request)
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


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
