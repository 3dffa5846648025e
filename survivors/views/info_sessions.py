"""Information sessions (SPEC 10). The manager sets them up and sees counts; a
Women's Support Service (WSS) worker invites women on her own caseload and
sees only their answers; the programme worker attending sees a head count
only, and only once it is at least 5."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, User
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import InformationSessionError
from survivors.forms import InformationSessionForm, InvitationForm
from survivors.selectors import cases as cases_selectors
from survivors.selectors import info_sessions as sessions_selectors
from survivors.services import info_sessions as sessions_services


def _may_list(user: User | AnonymousUser) -> bool:
    return policy.is_manager(user) or policy.is_wss_worker(user) or policy.is_programme_worker(user)


@staff_page(_may_list)
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"is_manager": policy.is_manager(user)}
    if policy.is_programme_worker(user):
        context["attending"] = sessions_selectors.sessions_attended_by(worker=user)
    elif policy.is_manager(user):
        context["with_counts"] = sessions_selectors.sessions_with_counts()
    else:
        context["upcoming"] = sessions_selectors.sessions_upcoming()
    return render(request, "staff/info_session_list.html", context)


@staff_page(policy.is_manager)
@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InformationSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sessions_services.info_session_create(
                actor=request.user,
                starts_at=data["starts_at"],
                place=data["place"],
                capacity=data["capacity"],
                programme_worker=data["programme_worker"],
            )
        except InformationSessionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Session set up.")
            return HttpResponseRedirect(reverse("staff-info-sessions"))
    return render(
        request,
        "staff/info_session_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def session_detail(request: AuthenticatedHttpRequest, info_session_id: int) -> HttpResponse:
    """Her worker's view: her own invitees and their answers; invite someone."""
    session = found(sessions_selectors.session_for_staff(session_id=info_session_id))
    caseload = list(cases_selectors.caseload_for_worker(worker=request.user))
    form = InvitationForm(request.POST if request.method == "POST" else None, caseload=caseload)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            sessions_services.invitation_send(
                actor=request.user, session=session, survivor=form.survivor()
            )
        except InformationSessionError as failure:
            error = str(failure.message)
        else:
            messages.success(request, "Invitation sent to her account.")
            return HttpResponseRedirect(reverse("staff-info-session", args=[session.pk]))
    # Names of her own caseload are shown, in the invited list and the form's
    # choices: an audited read, one row per woman shown (SPEC 12: each is on
    # her access log).
    invitations = sessions_selectors.invitations_by_worker(session=session, worker=request.user)
    staff_read_record(
        request,
        AuditAction.INFO_SESSION_VIEW,
        obj=session,
        shown=[invitation.survivor_id for invitation in invitations]
        + [survivor.pk for survivor in caseload],
    )
    return render(
        request,
        "staff/info_session_detail.html",
        {
            "session": session,
            "invitations": invitations,
            "form": form,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )
