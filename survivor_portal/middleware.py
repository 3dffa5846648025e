"""Request guards shared by every page.

* ``PrivacyHeadersMiddleware``: ``Cache-Control: no-store`` on every response we
  render (static files excepted) and a restrictive Permissions-Policy.
* ``SessionTimeoutMiddleware``: idle and absolute session timeouts.
* ``AreaAccessMiddleware``: the staff area, the Wagtail admin and the Django
  admin need a staff account with a verified TOTP device; survivors never get in.
* ``MethodNotAllowedPageMiddleware``: a refused method gets a page, not nothing.
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

# URL pattern prefix (survivor_portal/urls.py) -> guarded area.
STAFF_AREAS = (("staff/", "staff"), ("editor/", "editor"), ("ops/", "ops"))
LAST_SEEN_PRECISION = 60  # seconds; idle timeouts are counted in minutes
# Staff views reachable before the TOTP step (by URL name, not by path).
PRE_OTP_VIEWS = frozenset({"staff-login", "staff-otp-verify", "staff-otp-setup", "staff-logout"})
# After a manager set or reset her password, only these open until she changes it.
PASSWORD_CHANGE_VIEWS = frozenset({"staff-password-change", "staff-logout"})


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # path_info: the path Django serves, whatever SCRIPT_NAME says.
        if not request.path_info.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """Django's ``require_http_methods`` answers a refused method with an empty
    405, which the browser dresses as its own error page: on her side a page
    without quick exit (SPEC 4). Every empty 405 gets its side's neutral error
    page instead, with the same ``Allow`` header. The usual case is a GET of a
    form-only address: a bookmark, a typed address or a page restored from history."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Imported here: the error pages use ``area_of`` from this module.
        from survivor_portal.views.errors import error_page

        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = error_page(request, 405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


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
    """The TOTP gate, decided on the view Django resolved, never on the raw path.

    ``request.path`` carries ``SCRIPT_NAME`` (a proxy header, or a sub-path
    deployment) while Django resolves the view from ``request.path_info``, so a
    decision on the path could be skipped with a forged prefix. The area comes
    from the URL pattern that matched (``resolver_match.route``), which no
    header can change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple,
        view_kwargs: dict,
    ) -> HttpResponse | None:
        match = request.resolver_match
        route = match.route if match is not None else request.path_info.lstrip("/")
        area = area_of(route)
        if area is None:
            return None
        url_name = match.url_name if match is not None else None
        return self._guard(request, area, url_name)

    def _guard(self, request: HttpRequest, area: str, url_name: str | None) -> HttpResponse | None:
        user = request.user
        if policy.is_survivor(user):
            raise Http404
        if area == "staff" and url_name in PRE_OTP_VIEWS:
            return None
        back = request.get_full_path()
        if not policy.is_staff_member(user):
            return HttpResponseRedirect(reverse("staff-login") + "?" + urlencode({"next": back}))
        if not user.is_verified():  # type: ignore[attr-defined]  # added by django-otp's middleware
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "staff-otp-verify" if has_device else "staff-otp-setup"
            return HttpResponseRedirect(reverse(target) + "?" + urlencode({"next": back}))
        if user.must_change_password and not (
            area == "staff" and url_name in PASSWORD_CHANGE_VIEWS
        ):
            return HttpResponseRedirect(reverse("staff-password-change"))
        if area == "ops" and not user.is_superuser:
            raise Http404
        if area == "editor" and not policy.can_use_editor(user):
            raise PermissionDenied
        return None


def area_of(route: str) -> str | None:
    """ "staff", "editor" or "ops" for a URL pattern under one of the guarded
    prefixes (see ``survivor_portal/urls.py``), else None."""
    route = route.lstrip("^/")
    for prefix, area in STAFF_AREAS:
        if route.startswith(prefix):
            return area
    return None
