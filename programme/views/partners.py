"""Programme side: the partner details he names, passed on one way (SPEC 13).

The page asks for them and passes them on; once saved, nothing of them is
held here: the answer is a redirect to his record with a count, and the form
is empty again. The same page, messages and statements for every man,
whatever becomes of the people he named (SPEC 2).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import found, staff_page
from programme.errors import ProgrammeError
from programme.forms import PartnerDetailsFormSet, PassOnOccasionForm
from programme.selectors import records as records_selectors
from programme.services import partners as partners_services

FORMSET_PREFIX = "person"


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def participant_partners(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    participant = found(records_selectors.participant(participant_id=participant_id))
    posted = request.method == "POST"
    occasion_form = PassOnOccasionForm(request.POST if posted else None)
    formset = PartnerDetailsFormSet(request.POST if posted else None, prefix=FORMSET_PREFIX)
    error = ""
    if posted and occasion_form.is_valid() and formset.is_valid():
        try:
            passed = partners_services.partner_details_pass_on(
                actor=request.user,
                participant=participant,
                occasion=occasion_form.cleaned_data["occasion"],
                where=occasion_form.cleaned_data["where"],
                partners=formset.named(),
            )
        except ProgrammeError as refused:
            error = str(refused.message)
        else:
            messages.success(
                request,
                f"Partner details passed on ({passed.count}). They are no longer held here.",
            )
            return HttpResponseRedirect(reverse("staff-participant", args=[participant.pk]))
    return render(
        request,
        "staff/participant_partners.html",
        {
            "participant": participant,
            "occasion_form": occasion_form,
            "formset": formset,
            "error": error,
        },
        status=400 if posted else 200,
    )
