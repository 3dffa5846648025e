"""Her private message line to her worker: plain forms, no JavaScript needed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from contacts.http import AuthenticatedHttpRequest
from survivors.errors import MessageError, PortalError
from survivors.models import Survivor

from ..account import account_for
from .common import redirect_see_other, survivor_page


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


@survivor_page
@require_http_methods(["GET", "POST"])
def thread(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    account = account_for(request, survivor)
    form = MessageForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            account.message_send(body=form.cleaned_data["body"])
        except MessageError as failure:
            error = str(failure.message)
        else:
            request.session["portal_notice"] = _("Sent.")
            return redirect_see_other("/messages/")
    elif request.method == "POST":
        error = _("That message could not be read. Remove any unusual characters and try again.")
    messages = account.thread()
    notice = request.session.pop("portal_notice", "")
    return render(
        request,
        "portal/messages.html",
        {
            "form": form,
            "error": error,
            "notice": notice,
            "thread": messages,
            "max_length": settings.MESSAGE_MAX_LENGTH,
            # A restricted case (SPEC 12): she reads, but cannot send.
            "sending_off": (
                MessageError("restricted").message if survivor.restricted_at is not None else ""
            ),
        },
        status=400 if error else 200,
    )


@survivor_page
@require_http_methods(["POST"])
def clear(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    account_for(request, survivor).thread_clear()
    request.session["portal_notice"] = _("Your view of the messages is cleared.")
    return redirect_see_other("/messages/")


@survivor_page
@require_http_methods(["GET", "POST"])
def shared_notes(request: AuthenticatedHttpRequest, survivor: Survivor) -> HttpResponse:
    """What her worker chose to share with her, with her worker's note, and her
    invitations to information sessions, which she answers here (SPEC 10)."""
    account = account_for(request, survivor)
    error = ""
    if request.method == "POST":
        try:
            invitation_id = int(request.POST.get("invitation", ""))
        except ValueError:
            invitation_id = 0
        answer = request.POST.get("answer", "")
        try:
            if answer not in ("yes", "no"):
                raise PortalError("no_invitation")
            account.invitation_answer(invitation_id=invitation_id, coming=answer == "yes")
        except PortalError as failure:
            error = str(failure.message)
        else:
            request.session["portal_notice"] = _("Thank you. Your answer is saved.")
            return redirect_see_other("/notes/")
    return render(
        request,
        "portal/notes.html",
        {
            "items": account.shared_notes(),
            "invitations": account.invitations(),
            "notice": request.session.pop("portal_notice", ""),
            "error": error,
        },
        status=400 if error else 200,
    )
