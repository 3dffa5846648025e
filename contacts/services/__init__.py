"""Writes, one module per topic (HackSoftware Django-Styleguide); import from here."""

from .alerts import alert_raise, alerts_for_linked_survivors
from .audit import audit_record
from .cases import survivor_allocate, survivor_create, survivor_link_participant
from .programme import risk_concern_raise, status_change_record

__all__ = [
    "alert_raise",
    "alerts_for_linked_survivors",
    "audit_record",
    "risk_concern_raise",
    "status_change_record",
    "survivor_allocate",
    "survivor_create",
    "survivor_link_participant",
]
