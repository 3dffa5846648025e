"""Her front door: the sign-in form, and once she is signed in her status page
(SPEC 4: his programme status in plain words, his recent attendance, the next
session and what it can mean for her)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import User
from programme.selectors.records import NOT_STARTED
from survivors.models import Survivor
from survivors.services.sign_in import portal_sign_in_record

from ..account import account_for
from ..forms import SignInForm
from ..languages import language_at_sign_in
from ..portal_state import StateUnreadable
from .common import redirect_see_other, session_end, session_start

SIGN_IN_FAILED = gettext_lazy(
    "That username and passphrase did not match. Check them and try again."
)

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


def _authenticated_survivor(request: HttpRequest, username: str, passphrase: str) -> User | None:
    """Her account if the passphrase is her usual or her second one, else None.
    The same work whatever happens: one query and two password hashes
    (``survivor_portal.auth``), django-axes counting failures and locking out.
    ``user.portal_quiet`` says which passphrase it was."""
    user = authenticate(request, username=username, password=passphrase, portal=True)
    if getattr(request, "axes_locked_out", False):
        return None
    if user is not None and policy.is_survivor(user):
        return user
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Sign-in, or her status page once she is signed in."""
    if policy.is_survivor(request.user):
        # Signed in: a survivor's account is on the request.
        return _status_page(cast(AuthenticatedHttpRequest, request))
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST":
        error = str(SIGN_IN_FAILED)
        status = 400
        if form.is_valid():
            user = _authenticated_survivor(
                request, form.cleaned_data["username"], form.cleaned_data["passphrase"]
            )
            if user is not None:
                quiet = bool(getattr(user, "portal_quiet", False))
                survivor = portal_sign_in_record(user=user, under_duress=quiet)
                session_start(request, user, quiet=quiet)
                # Her stored language (not the browser's), in either kind of session.
                language_at_sign_in(request, survivor.language)
                return redirect_see_other("/")
    return render(request, "portal/sign_in.html", {"form": form, "error": error}, status=status)


def _status_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        account = account_for(request)
        context = account.home()
    except (Survivor.DoesNotExist, StateUnreadable):
        return session_end(request, "/")
    # A neutral link to her questions (SPEC 14): only if she chose invitations
    # here, and never in a session signed in with her second passphrase.
    context["questions_waiting"] = context["questions_waiting"] and not account.state.quiet
    participant = context["participant"]
    if participant is not None:
        context["plain_status"] = PLAIN_STATUS.get(participant.status, participant.status)
        context["not_at_sessions"] = NOT_AT_SESSIONS.get(participant.status, "")
        # Before he starts her page says so, and shows no marks (SPEC 6).
        context["started"] = participant.status not in NOT_STARTED
        context["sessions"] = [
            (starts_at, PLAIN_MARK.get(mark, mark)) for starts_at, mark in context["attendance"]
        ]
    return render(request, "portal/status.html", context)
