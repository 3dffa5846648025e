"""Request guards shared by every page.

* ``PrivacyHeadersMiddleware``: ``Cache-Control: no-store`` on every response we
  render (static files excepted) and a restrictive Permissions-Policy.
* ``SessionTimeoutMiddleware``: idle and absolute session timeouts.
* ``AreaAccessMiddleware``: the staff area, the Wagtail admin and the Django
  admin need a staff account with a verified TOTP device; survivors never get in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from contacts import policy

STAFF_PREFIXES = ("/staff/", "/editor/", "/ops/")
LAST_SEEN_PRECISION = 60  # seconds; idle timeouts are counted in minutes
PRE_OTP_PATHS = ("/staff/login/", "/staff/otp/", "/staff/logout/")
# After a manager set or reset her password, only these open until she changes it.
PASSWORD_CHANGE_PATHS = ("/staff/password/", "/staff/logout/")


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionTimeoutMiddleware:
    """End a signed-in session after idle or absolute timeouts, server-side."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("started_at", now)
            last = request.session.get("last_seen", now)
            if (
                now - last > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                was_staff = policy.is_staff_member(request.user)
                logout(request)
                target = reverse("staff-login") if was_staff else reverse("portal-home")
                return HttpResponseRedirect(target)
            if now - last >= LAST_SEEN_PRECISION or "last_seen" not in request.session:
                # Written at most once a minute: one session write per page would
                # cost three queries on every request.
                request.session["last_seen"] = now
        return self.get_response(request)


class AreaAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(STAFF_PREFIXES):
            denied = self._guard(request, path)
            if denied is not None:
                return denied
        return self.get_response(request)

    def _guard(self, request: HttpRequest, path: str) -> HttpResponse | None:
        user = request.user
        if policy.is_survivor(user):
            raise Http404
        if path.startswith(PRE_OTP_PATHS):
            return None
        if not policy.is_staff_member(user):
            return HttpResponseRedirect(reverse("staff-login") + "?" + urlencode({"next": path}))
        if not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "staff-otp-verify" if has_device else "staff-otp-setup"
            return HttpResponseRedirect(reverse(target) + "?" + urlencode({"next": path}))
        if user.must_change_password and not path.startswith(PASSWORD_CHANGE_PATHS):
            return HttpResponseRedirect(reverse("staff-password-change"))
        if path.startswith("/ops/") and not user.is_superuser:
            raise Http404
        if path.startswith("/editor/") and not policy.can_use_editor(user):
            raise PermissionDenied
        return None
