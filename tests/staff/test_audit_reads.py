"""Every staff read of survivor data is audited, whichever page or admin it is in
(issue 12 item 10; SPEC 2): the caseload, and her portal account or the audit
log opened by an operations superuser in the Django admin (/ops/)."""

from __future__ import annotations

from django.test import Client

from contacts.models import AuditEvent

from ..conftest import CANARY_USERNAME, sign_in
from ..factories import staff_user


def _new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("pk")[before:])


def test_opening_the_caseload_is_audited(world) -> None:
    before = AuditEvent.objects.count()
    response = sign_in(Client(), world.wss_a).get("/staff/caseload/")
    assert response.status_code == 200
    events = _new_events(before)
    assert [(e.action, e.actor_id) for e in events] == [("caseload.view", world.wss_a.pk)]


def test_an_ops_superuser_opening_her_account_is_audited(world) -> None:
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    admin = sign_in(Client(), root)
    her = world.survivor_a.user

    before = AuditEvent.objects.count()
    listing = admin.get("/ops/contacts/user/")
    assert listing.status_code == 200 and CANARY_USERNAME in listing.content.decode()
    assert [(e.action, e.actor_id) for e in _new_events(before)] == [("ops.user.list", root.pk)]

    before = AuditEvent.objects.count()
    page = admin.get(f"/ops/contacts/user/{her.pk}/change/")
    assert page.status_code == 200
    events = _new_events(before)
    assert [(e.action, e.actor_id, e.object_id, e.survivor_id) for e in events] == [
        ("ops.user.view", root.pk, str(her.pk), world.survivor_a.pk)
    ]

    before = AuditEvent.objects.count()
    assert admin.get(f"/ops/contacts/user/{her.pk}/history/").status_code == 200
    assert [e.action for e in _new_events(before)] == ["ops.user.history"]

    # The audit log (case ids, who read what) is itself survivor data.
    before = AuditEvent.objects.count()
    assert admin.get("/ops/contacts/auditevent/").status_code == 200
    event = AuditEvent.objects.filter(survivor_id=world.survivor_a.pk).first()
    assert admin.get(f"/ops/contacts/auditevent/{event.pk}/change/").status_code == 200
    assert [e.action for e in _new_events(before)] == ["ops.audit.list", "ops.audit.view"]


def test_a_staff_account_opened_in_ops_is_audited_without_a_case(world) -> None:
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    admin = sign_in(Client(), root)
    before = AuditEvent.objects.count()
    assert admin.get(f"/ops/contacts/user/{world.wss_a.pk}/change/").status_code == 200
    events = _new_events(before)
    assert [(e.action, e.object_id, e.survivor_id) for e in events] == [
        ("ops.user.view", str(world.wss_a.pk), None)
    ]
