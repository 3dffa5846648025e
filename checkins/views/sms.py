"""Twilio webhooks (SPEC 5, 8): replies and delivery status.

Every request is checked against Twilio's request signature over the public
URL from settings (``PUBLIC_BASE_URL`` + path), whatever ``DEBUG`` says; an
unsigned or forged request gets 403 and nothing is stored. The reply webhook
does the minimum in the request (one row, unique on MessageSid) and answers
with empty TwiML, the same for a known or an unknown number.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from checkins import sms
from checkins.services import inbound as inbound_services
from checkins.services import outbox as outbox_services

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    # PUBLIC_BASE_URL is the public address (with any sub-path); the path after
    # it is the one Django resolved, whatever SCRIPT_NAME a request carries.
    url = settings.PUBLIC_BASE_URL + request.get_full_path_info()
    signature = request.headers.get("X-Twilio-Signature", "")
    return sms.signature_valid(url=url, params=request.POST, signature=signature)


@csrf_exempt
@never_cache
def inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    message_sid = request.POST.get("MessageSid", "")
    from_number = request.POST.get("From", "")
    if message_sid and from_number:
        inbound_services.inbound_store(
            message_sid=message_sid, from_number=from_number, body=request.POST.get("Body", "")
        )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@never_cache
def status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    message_sid = request.POST.get("MessageSid", "")
    message_status = request.POST.get("MessageStatus", "")
    if message_sid and message_status:
        outbox_services.outbox_status_record(
            message_sid=message_sid,
            status=message_status,
            error_code=request.POST.get("ErrorCode", ""),
        )
    return HttpResponse(status=204)
