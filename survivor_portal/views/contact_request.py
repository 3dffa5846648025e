"""Ask us to get in touch: her request to be contacted, on the portal's public
site (SPEC 13). Anyone may open it, signed in or not. The thank-you page is the
same whatever became of the request (a new referral or one joined to her
case), and nothing is sent to the number."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from survivors.errors import ContactRequestError
from survivors.services.contact_request import contact_request_receive

from ..forms import ContactRequestForm
from .common import redirect_see_other

# Where each of the service's refusals belongs on the form.
ERROR_FIELDS = {"invalid_phone": "phone", "times_order": "safe_to", "unknown_day": "safe_days"}


@never_cache
@require_http_methods(["GET", "POST"])
def get_in_touch(request: HttpRequest) -> HttpResponse:
    """Her number (and, if she likes, a name, safe days and times, voicemail)."""
    form = ContactRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact_request_receive(
                    phone=data["phone"],
                    known_as=data["known_as"],
                    safe_days=data["safe_days"],
                    safe_from=data["safe_from"],
                    safe_to=data["safe_to"],
                    voicemail_safe=data["voicemail_safe"],
                    # The address the sign-in lockout counts (django-axes).
                    client_address=get_client_ip_address(request) or "",
                )
            except ContactRequestError as error:
                if error.code == "too_many":
                    return render(request, "portal/get_in_touch_later.html", status=429)
                form.add_error(ERROR_FIELDS.get(error.code), error.message)
            else:
                # A refresh of the thank-you page sends nothing again.
                return redirect_see_other(reverse("portal-get-in-touch-thanks"))
    return render(request, "portal/get_in_touch.html", {"form": form}, status=status)


@never_cache
@require_GET
def get_in_touch_thanks(request: HttpRequest) -> HttpResponse:
    """The same page whatever became of the request."""
    return render(request, "portal/get_in_touch_thanks.html")
