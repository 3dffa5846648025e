"""Items from the programme on her case (SPEC 10): the monthly case-management
entries and reports the programme shared about him, as they reach each linked
survivor's Women's Support Service (WSS) worker.

Her worker decides what to pass on, and records that she did; she may show a
report, whole or in part, in the portal with a note, and exactly what was shown
is kept. What the WSS tells the programme is a disclosure with its basis
(``case_management_disclose``). Nothing here is readable from the programme side."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from programme.models import ProgrammeEvent
from survivors.errors import ProgrammeItemError
from survivors.models import Disclosure, ProgrammeItem, Survivor
from survivors.services.disclosures import disclosure_record

# The agency a disclosure to the programme is recorded against.
CASE_MANAGEMENT_AGENCY = "Group worker (monthly case management)"


def programme_item_receive(*, survivor: Survivor, event: ProgrammeEvent) -> ProgrammeItem:
    """Put the event's entry or report on her case. Call inside the event's take-in."""
    item, _ = ProgrammeItem.objects.get_or_create(
        survivor=survivor,
        programme_event=event,
        defaults={"case_entry_id": event.case_entry_id, "report_id": event.report_id},
    )
    return item


def programme_item_record_shared(
    *, actor: User, item: ProgrammeItem, shared_on: date, note: str = ""
) -> ProgrammeItem:
    """ "Shared with her on …": her worker passed this on (by phone, in person)."""
    if item.survivor.restricted_at is not None:
        raise ProgrammeItemError("restricted")  # kept, not used (SPEC 12)
    if shared_on > timezone.localdate():
        raise ProgrammeItemError("in_future")
    with transaction.atomic():
        locked = ProgrammeItem.objects.select_for_update().get(pk=item.pk)
        if locked.shared_on is not None:
            raise ProgrammeItemError("already_shared")
        locked.shared_on = shared_on
        locked.shared_by = actor
        locked.shared_note = note.strip()
        locked.save(update_fields=["shared_on", "shared_by", "shared_note"])
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_ITEM_SHARED,
            obj=locked,
            survivor=locked.survivor,
        )
    return locked


def programme_item_show_in_portal(
    *, actor: User, item: ProgrammeItem, paragraphs: list[int], note: str
) -> ProgrammeItem:
    """Show her a report, whole or in part (the chosen paragraphs, by number),
    with a note. The words shown are stored as she will see them, and sharing
    is recorded as of today."""
    if item.survivor.restricted_at is not None:
        raise ProgrammeItemError("restricted")  # kept, not used (SPEC 12)
    if item.report is None:
        raise ProgrammeItemError("not_a_report")
    note = (note or "").strip()
    if not note:
        raise ProgrammeItemError("no_note")
    available = item.report.paragraphs()
    chosen = sorted({n for n in paragraphs if 0 <= n < len(available)})
    if not chosen:
        raise ProgrammeItemError("nothing_chosen")
    with transaction.atomic():
        locked = ProgrammeItem.objects.select_for_update().get(pk=item.pk)
        if locked.portal_shared_at is not None:
            raise ProgrammeItemError("already_in_portal")
        now = timezone.now()
        locked.portal_text = "\n\n".join(available[n] for n in chosen)
        locked.portal_note = note
        locked.portal_shared_at = now
        locked.portal_shared_by = actor
        fields = ["portal_text", "portal_note", "portal_shared_at", "portal_shared_by"]
        if locked.shared_on is None:
            locked.shared_on, locked.shared_by = timezone.localdate(now), actor
            fields += ["shared_on", "shared_by"]
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.PROGRAMME_ITEM_PORTAL,
            obj=locked,
            survivor=locked.survivor,
        )
    return locked


def programme_items_mark_seen(*, survivor: Survivor, items: list[ProgrammeItem]) -> int:
    """She opened the page showing these: the first time each is recorded."""
    unseen = [item for item in items if item.portal_seen_at is None]
    if not unseen:
        return 0
    with transaction.atomic():
        now = timezone.now()
        ProgrammeItem.objects.filter(pk__in=[i.pk for i in unseen], portal_seen_at=None).update(
            portal_seen_at=now
        )
        for item in unseen:
            item.portal_seen_at = now
            audit_record(
                actor=survivor.user,
                action=AuditAction.PROGRAMME_ITEM_SEEN,
                obj=item,
                survivor=survivor,
            )
    return len(unseen)


def case_management_disclose(
    *, actor: User, survivor: Survivor, basis: str | None, details: str
) -> Disclosure:
    """What her worker told the programme worker (at monthly case management):
    a disclosure like any other, refused without a basis. The programme side
    never sees it."""
    return disclosure_record(
        actor=actor,
        survivor=survivor,
        agency=CASE_MANAGEMENT_AGENCY,
        basis=basis,
        details=details,
    )
