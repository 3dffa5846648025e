"""Domain errors carry a stable code; views turn them into a plain message."""

from __future__ import annotations


class ServiceError(Exception):
    messages: dict[str, str] = {}

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or self.messages.get(code, "That could not be done.")
        super().__init__(self.message)


class AllocationError(ServiceError):
    messages = {
        "same_worker_for_linked_partners": (
            "This worker already supports someone linked to the same man. "
            "Choose a different worker."
        ),
        "not_a_wss_worker": "Cases can only be allocated to a WSS worker.",
    }


class DisclosureError(ServiceError):
    messages = {
        "no_basis": (
            "Information can only be shared with her consent, for child safeguarding, "
            "or where there is a high risk of harm. Choose the basis."
        ),
    }
