"""Cover when a Women's Support Service (WSS) worker is away (SPEC 9): marking
the dates (herself, or her manager), and the duty worker's page for a covered
case, where she replies, acknowledges alerts and logs contacts in cover."""

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
from survivors.errors import ContactLogError, CoverError, MessageError
from survivors.forms import AbsenceForm, ContactLogForm
from survivors.selectors import cover as cover_selectors
from survivors.services import contact_log
from survivors.services import cover as cover_services
from survivors.services import messages as messages_services
from survivors.views.messages import ReplyForm


def _may_mark(user: User | AnonymousUser) -> bool:
    return policy.is_wss_worker(user) or policy.is_manager(user)


@staff_page(_may_mark)
@require_http_methods(["GET", "POST"])
def away(request: AuthenticatedHttpRequest) -> HttpResponse:
    manager = policy.is_manager(request.user)
    form = AbsenceForm(request.POST or None, for_manager=manager)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            worker = form.cleaned_data.get("worker") or request.user
            try:
                cover_services.absence_mark(
                    actor=request.user,
                    worker=worker,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except CoverError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"{worker.username} is marked away.")
                return HttpResponseRedirect(reverse("staff-away"))
        status = 400
    return render(
        request,
        "staff/away.html",
        {
            "form": form,
            "absences": cover_selectors.absences_for_user(user=request.user),
            "manager": manager,
        },
        status=status,
    )


@staff_page(_may_mark)
@require_http_methods(["POST"])
def away_end(request: AuthenticatedHttpRequest, absence_id: int) -> HttpResponse:
    absence = found(cover_selectors.absence_for_user(user=request.user, absence_id=absence_id))
    try:
        cover_services.absence_end(actor=request.user, absence=absence)
    except CoverError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked back.")
    return HttpResponseRedirect(reverse("staff-away"))


@staff_page(policy.is_duty_worker)
@require_http_methods(["GET", "POST"])
def duty_case(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A covered case for the duty worker, only while her worker is away (SPEC 9):
    how to contact her safely, what she wrote that waits for an answer, her open
    alerts; and the actions her own worker has (reply, acknowledge an alert, log
    a contact), each recorded as done in cover."""
    survivor = found(cover_selectors.case_for_cover(user=request.user, survivor_id=case_id))
    reply_form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    contact_form = ContactLogForm(
        request.POST if request.POST.get("action") == "contact" else None, prefix="contact"
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if reply_form.is_valid():
                messages_services.message_send_from_worker(
                    worker=request.user, survivor=survivor, body=reply_form.cleaned_data["body"]
                )
                messages.success(request, "Reply sent in cover.")
                return HttpResponseRedirect(request.path)
            if contact_form.is_valid():
                contact_log.contact_log_add(
                    actor=request.user, survivor=survivor, **contact_form.cleaned_data
                )
                messages.success(request, "Contact logged in cover.")
                return HttpResponseRedirect(request.path)
        except MessageError as error:
            reply_form.add_error("body", error.message)
        except ContactLogError as error:
            contact_form.add_error(None, error.message)
    staff_read_record(request, AuditAction.SURVIVOR_VIEW_DUTY, obj=survivor)
    staff_read_record(request, AuditAction.THREAD_VIEW, obj=survivor)
    absence = cover_selectors.current_absence(worker=survivor.worker) if survivor.worker else None
    return render(
        request,
        "staff/duty_case.html",
        {
            "survivor": survivor,
            "absence": absence,
            "windows": list(survivor.windows.all()),
            "waiting": cover_selectors.unanswered_messages(survivor=survivor),
            "replies": cover_selectors.replies_in_cover(
                survivor=survivor, absence_start=absence.starts_on
            )
            if absence
            else [],
            "alerts": cover_selectors.open_alerts(survivor=survivor),
            "reply_form": reply_form,
            "contact_form": contact_form,
        },
        status=status,
    )
