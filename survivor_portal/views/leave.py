"""Leaving (SPEC 4): signing out, and quick exit, which also ends the session
server-side and goes somewhere neutral."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..context_processors import branding_for
from .common import session_end


@never_cache
@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out: end the session server-side, clear site data, back to sign-in."""
    return session_end(request, "/")


@never_cache
def leave(request: HttpRequest) -> HttpResponse:
    """Quick exit: end the session server-side, clear site data, and go somewhere
    neutral (comms staff choose where). Works as a plain link without JavaScript."""
    destination = branding_for(request).quick_exit_url or settings.QUICK_EXIT_URL
    return session_end(request, destination)
