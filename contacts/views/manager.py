"""Service manager: allocations (who holds which case), never her messages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import policy, roles, services
from ..errors import AllocationError
from ..models import Survivor, User
from .common import staff_page


def _wss_workers():
    return User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, groups__name=roles.WSS_WORKER
    ).order_by("username")


class AllocateForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _wss_workers()


@staff_page(policy.is_manager)
def allocation_list(request: HttpRequest) -> HttpResponse:
    survivors = Survivor.objects.select_related("worker").order_by("pk")
    services.audit_record(actor=request.user, action="allocations.view")
    return render(
        request, "staff/allocation_list.html", {"survivors": survivors, "form": AllocateForm()}
    )


@staff_page(policy.is_manager)
@require_http_methods(["POST"])
def allocation_change(request: HttpRequest, case_id: int) -> HttpResponse:
    survivor = Survivor.objects.filter(pk=case_id).first()
    if survivor is None:
        raise Http404
    form = AllocateForm(request.POST)
    if form.is_valid():
        try:
            services.survivor_allocate(
                actor=request.user, survivor=survivor, worker=form.cleaned_data["worker"]
            )
        except AllocationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Case {survivor.pk} allocated.")
    else:
        messages.error(request, "Choose a worker from the list.")
    return HttpResponseRedirect(reverse("staff-allocations"))
