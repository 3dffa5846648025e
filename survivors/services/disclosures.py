"""Sharing a survivor's information with an outside agency (SPEC 2).

The confidentiality policy allows it only on one of three bases: her recorded
consent, child safeguarding, or a high risk of harm. Without a basis the
service refuses, and every disclosure is audited and visible to the manager.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import DisclosureError
from survivors.models import Disclosure, Survivor


def disclosure_record(
    *,
    actor: User,
    survivor: Survivor,
    agency: str,
    basis: str | None,
    details: str = "",
    disclosed_at: datetime | None = None,
) -> Disclosure:
    """Record that her information was shared, and why. Refused without a basis.

    Allowed on a restricted case too (SPEC 12): sharing to protect her or someone
    else is a lawful use of restricted data (UK GDPR article 18(2))."""
    if not basis or basis not in Disclosure.Basis.values:
        raise DisclosureError("no_basis")
    agency = (agency or "").strip()
    if not agency:
        raise DisclosureError("no_agency")
    details = (details or "").strip()
    if basis == Disclosure.Basis.CONSENT and not details:
        raise DisclosureError("consent_not_recorded")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            survivor=survivor,
            worker=actor,
            agency=agency,
            basis=basis,
            details=details,
            disclosed_at=disclosed_at or timezone.now(),
        )
        audit_record(
            actor=actor, action=AuditAction.DISCLOSURE_RECORD, obj=disclosure, survivor=survivor
        )
    return disclosure
