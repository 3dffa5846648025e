"""A Women's Support Service (WSS) worker's side of the message line."""

from __future__ import annotations

from django import forms
from django.contrib import messages as notices
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction
from contacts.views.common import found, staff_page, staff_read_record
from survivors.errors import MessageError
from survivors.selectors import messages as messages_selectors
from survivors.services import messages as messages_services


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply", strip=False, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


@staff_page(policy.is_wss_worker)
@require_http_methods(["GET", "POST"])
def case_thread(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    survivor, thread = found(
        messages_selectors.thread_for_worker(worker=request.user, survivor_id=case_id)
    )
    staff_read_record(request, AuditAction.THREAD_VIEW, obj=survivor)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            messages_services.message_send_from_worker(
                worker=request.user, survivor=survivor, body=form.cleaned_data["body"]
            )
        except MessageError as error:
            form.add_error("body", error.message)
            status = 400
        else:
            notices.success(request, "Reply sent.")
            return HttpResponseRedirect(request.path)
    elif request.method == "POST":
        status = 400
    messages_services.thread_mark_read_by_worker(worker=request.user, survivor=survivor)
    return render(
        request,
        "staff/thread.html",
        {"survivor": survivor, "thread": thread, "form": form},
        status=status,
    )
