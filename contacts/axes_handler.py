"""django-axes, keeping only what lockout needs (SPEC 8).

Lockout counts failures by username and address for the cool-off window; it
does not need her browser's user agent, and it does not need a record of every
successful sign-in. So:

- a failed sign-in is stored without the user agent or Accept header (for
  every account: a failure for an unknown username cannot be told apart);
- a survivor's successful sign-in (and sign-out) writes no access-log row at
  all; staff sign-ins keep axes' access log, which the retention run removes
  after its period (``RETENTION_SCHEDULE["sign_in_records"]``);
- expired failures are deleted by the retention run
  (``checkins.services.retention``), not kept until the same username fails again.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.http import HttpRequest


def _is_survivor(user: Any) -> bool:
    from contacts.models import User

    return getattr(user, "kind", None) == User.Kind.SURVIVOR


class FailuresOnlyHandler(AxesDatabaseHandler):
    """The database handler without user agents and without her sign-in history."""

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        if request is not None:
            # Attributes django-axes itself sets on the request and then stores;
            # they are not part of HttpRequest's type.
            request.axes_user_agent = ""  # type: ignore[attr-defined]
            request.axes_http_accept = ""  # type: ignore[attr-defined]
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if not _is_survivor(user):
            return super().user_logged_in(sender, request, user, **kwargs)
        # What axes does on success, minus the access-log row.
        credentials = get_credentials(user.get_username())
        self.clean_expired_user_attempts(request, credentials)
        if settings.AXES_RESET_ON_SUCCESS:
            self.reset_user_attempts(request, credentials)
        return None

    def user_logged_out(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if not _is_survivor(user):
            return super().user_logged_out(sender, request, user, **kwargs)
        return None


def client_str(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    """How django-axes names a client in its log lines ("New login failure by …",
    "Locking out …", logged at WARNING): never her username, address or browser."""
    return "a client"
