"""The one module that talks to Twilio (SPEC 5), behind a small backend interface.

* ``OutboxBackend`` (the default): needs no account. The outbox row is the
  record of the text; "sending" logs the row's id and nothing else, so the
  whole service runs on one machine without Twilio.
* ``TwilioBackend``: the ``twilio`` library's REST client. Transient failures
  (HTTP 5xx, 429, timeouts, connection errors) raise ``TransientSendError``;
  permanent ones (invalid number 21211, opted out 21610, ...) raise
  ``PermanentSendError`` with Twilio's code.

Twilio has no idempotency key on its Messages API, so when an earlier attempt
may have reached it (a worker killed mid-send, a timeout) the outbox asks
``find_sent`` before sending again.

Every text carries a validity period (SPEC 5): the seconds left in her safe
window, so a text Twilio cannot hand on in time is dropped rather than
arriving when it is no longer safe. Twilio accepts 1 to 36,000 seconds.

Logs carry ids only: never a number or a message body. Twilio's own logger
writes numbers at INFO, so it is held at WARNING here as well as in settings.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
logging.getLogger("twilio").setLevel(logging.WARNING)
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

# Twilio error codes that will never succeed on retry.
PERMANENT_CODES = {
    21211,  # invalid 'To' number
    21408,  # region not enabled
    21610,  # the recipient replied STOP
    21612,  # cannot route to this number
    21614,  # not a mobile number
    21606,  # the 'From' number cannot send
    21617,  # body too long
    30003,  # unreachable handset
    30005,  # unknown destination
    30006,  # landline or unreachable carrier
}
OPTED_OUT_CODE = "21610"
# The longest ValidityPeriod Twilio accepts (and its default).
MAX_VALIDITY_SECONDS = 36_000


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str = "queued"


class SendError(Exception):
    def __init__(self, code: str, *, in_doubt: bool = False) -> None:
        self.code = code
        self.in_doubt = in_doubt
        super().__init__(code)


class TransientSendError(SendError):
    """Try again later. ``in_doubt``: the request may have reached Twilio."""


class PermanentSendError(SendError):
    """Never retry; ``code`` is Twilio's error code."""


class SmsBackend(Protocol):
    def send(
        self, *, message_id: int, to: str, body: str, validity_seconds: int = MAX_VALIDITY_SECONDS
    ) -> SendResult: ...

    def find_sent(self, *, message_id: int, to: str, body: str, since: datetime) -> str | None: ...


def status_callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/sms/status/"


class OutboxBackend:
    """No account: the database outbox is the record, the log shows the id."""

    has_status_callbacks = False

    def send(
        self, *, message_id: int, to: str, body: str, validity_seconds: int = MAX_VALIDITY_SECONDS
    ) -> SendResult:
        logger.info("text %s sent by the outbox backend", message_id)
        return SendResult(sid=f"OB{uuid.uuid4().hex}", status="sent")

    def find_sent(self, *, message_id: int, to: str, body: str, since: datetime) -> str | None:
        # Nothing left the machine, so there is nothing to find: send again.
        return None


class TwilioBackend:
    has_status_callbacks = True

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        http_client: object | None = None,
        timeout: float = 10.0,
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        if not (from_number or messaging_service_sid):
            raise ValueError("Set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID.")
        if http_client is None:
            http_client = TwilioHttpClient(timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid

    def send(
        self, *, message_id: int, to: str, body: str, validity_seconds: int = MAX_VALIDITY_SECONDS
    ) -> SendResult:
        sender = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        try:
            message = self.client.messages.create(
                to=to,
                body=body,
                status_callback=status_callback_url(),
                validity_period=max(1, min(validity_seconds, MAX_VALIDITY_SECONDS)),
                **sender,
            )
        except Exception as error:  # classified below, never swallowed
            raise _classify(error) from error
        logger.info("text %s accepted by Twilio as %s", message_id, message.sid)
        return SendResult(sid=message.sid, status=message.status or "queued")

    def find_sent(self, *, message_id: int, to: str, body: str, since: datetime) -> str | None:
        """The SID of a message to ``to`` with this body created since ``since``."""
        try:
            recent = self.client.messages.list(to=to, limit=20)
        except Exception as error:
            raise _classify(error) from error
        earliest = since - timedelta(minutes=5)
        for message in recent:
            created = message.date_created
            if message.body == body and (created is None or created >= earliest):
                logger.info("text %s found at Twilio as %s", message_id, message.sid)
                return message.sid
        return None


def _classify(error: Exception) -> SendError:
    import requests
    from twilio.base.exceptions import TwilioException, TwilioRestException

    if isinstance(error, TwilioRestException):
        status = int(error.status or 0)
        if status == 429:
            return TransientSendError("429")
        if status >= 500:
            return TransientSendError(str(status), in_doubt=True)
        code = int(error.code or 0)
        if code in PERMANENT_CODES or 400 <= status < 500:
            return PermanentSendError(str(code or status))
        return TransientSendError(str(code or status), in_doubt=True)
    if isinstance(error, TwilioException) and len(error.args) > 1:
        # A failed page fetch: ("Unable to fetch page", response).
        status = int(getattr(error.args[1], "status_code", 0) or 0)
        if status == 429 or status >= 500:
            return TransientSendError(str(status), in_doubt=True)
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return TransientSendError("connect_timeout")
    if isinstance(error, requests.exceptions.Timeout):
        return TransientSendError("timeout", in_doubt=True)
    if isinstance(error, requests.exceptions.ConnectionError | OSError):
        return TransientSendError("connection", in_doubt=True)
    if isinstance(error, SendError):
        return error
    # Anything else is a bug or an unknown failure: treat it as transient and
    # in doubt so nothing is lost and nothing is sent twice.
    return TransientSendError(type(error).__name__, in_doubt=True)


def twilio_configured() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)


def get_backend() -> SmsBackend:
    """The backend chosen by settings: ``SMS_BACKEND`` if set, else Twilio when
    its credentials are configured, else the outbox backend."""
    choice = settings.SMS_BACKEND or ("twilio" if twilio_configured() else "outbox")
    if choice == "outbox":
        return OutboxBackend()
    if choice == "twilio":
        http_client = None
        if settings.TWILIO_HTTP_CLIENT:
            http_client = import_string(settings.TWILIO_HTTP_CLIENT)()
        return TwilioBackend(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            http_client=http_client,
            timeout=settings.TWILIO_TIMEOUT_SECONDS,
        )
    return import_string(choice)()


def signature_valid(*, url: str, params: object, signature: str) -> bool:
    """Twilio's request signature over ``url`` and the POST parameters."""
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(url, params, signature))
