"""Domain errors carry a stable code; views turn them into a plain message.

``ServiceError`` is the base every app's errors share. Each app keeps its own
errors beside its services (``programme/errors.py``, ``survivors/errors.py``,
``checkins/errors.py``); only what both sides share stays here: staff accounts
and their roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ServiceError(Exception):
    # Survivor-facing messages are lazy translations, shown in her language
    # (the one active when a view shows them); staff ones stay English.
    messages: dict[str, StrOrPromise] = {}

    def __init__(self, code: str, message: StrOrPromise | None = None) -> None:
        self.code = code
        self.message: StrOrPromise = message or self.messages.get(
            code, _("That could not be done.")
        )
        super().__init__(self.message)


class AccountError(ServiceError):
    messages = {
        "username_taken": "That username is already in use. Choose another.",
        "bad_username": "Usernames use letters, numbers and . _ - only.",
        "no_role": "Choose at least one role.",
        "not_staff": "That is not a staff account.",
        "not_wss_for_duty": "Only WSS workers can be duty workers.",
        "own_account": "You cannot deactivate your own account.",
        "own_roles": "You cannot change your own roles. Ask another manager.",
        "both_sides": (
            "One account cannot hold a programme role and a support role. "
            "Programme workers and support staff need separate accounts."
        ),
        "manager_and_worker": (
            "A service manager cannot also be a WSS worker: managers never read "
            "her messages. Use a separate account for casework."
        ),
        "has_cases": (
            "This person still has cases. Reallocate each of them to another WSS worker "
            "first, then change the role."
        ),
    }


class BreachError(ServiceError):
    messages = {
        "discovered_before_occurred": "It cannot have been discovered before it happened.",
        "in_the_future": (
            "When it happened, was discovered or was reported cannot be in the future."
        ),
        "no_reason": "Say why it is, or is not, reportable to the ICO.",
        "reported_but_not_reportable": (
            'A breach reported to the ICO is reportable: choose "Yes" or clear the reported time.'
        ),
        "reported_before_discovered": "It cannot have been reported before it was discovered.",
    }
