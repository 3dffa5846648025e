"""What every page of hers shares: who may open it, how it redirects after a
form post, and how a session ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from contacts import policy
from contacts.models import User
from survivors.models import Survivor
from survivors.selectors import portal as portal_selectors

from ..auth import PORTAL_BACKEND
from ..portal_state import StateUnreadable, state_for, state_start

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def redirect_see_other(path: str) -> HttpResponseRedirect:
    """After a form post, always GET the next page (303)."""
    response = HttpResponseRedirect(path)
    response.status_code = 303
    return response


def session_start(request: HttpRequest, user: User, *, quiet: bool) -> None:
    """A new session for her (a new session key), in either kind: with her usual
    passphrase or, ``quiet``, her second one (the decoy account)."""
    login(request, user, backend=PORTAL_BACKEND)
    now = int(time.time())
    request.session["started_at"] = now
    request.session["last_seen"] = now
    state_start(request, quiet=quiet)


def session_end(request: HttpRequest, target: str) -> HttpResponse:
    """End the session server-side and ask the browser to forget the site's data."""
    logout(request)
    response = HttpResponseRedirect(target)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def survivor_page(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Her own pages: only a signed-in survivor; anyone else goes to sign-in.
    She reaches her data through her session, never through an id in the URL."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not policy.is_survivor(request.user):
            return HttpResponseRedirect("/")
        survivor: Survivor | None = portal_selectors.portal_survivor(user=request.user)
        if survivor is None:
            return HttpResponseRedirect("/")
        try:
            state_for(request)
        except StateUnreadable:
            # Never guess which account to show: sign out instead.
            return session_end(request, "/")
        return view(request, survivor, *args, **kwargs)

    return never_cache(wrapped)
