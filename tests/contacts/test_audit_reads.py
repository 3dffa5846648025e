"""Every staff read of survivor data is audited, whichever page or admin it is in
(SPEC 2: every staff read is audited): the caseload, and her portal account or the audit
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


def test_the_wagtail_admin_never_lists_or_opens_her_account(world) -> None:
    """Wagtail's user area would list, search and open her portal account for a
    superuser; here it holds staff accounts only (SPEC 2)."""
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    editor = sign_in(Client(), root)
    her = world.survivor_a.user
    listing = editor.get("/editor/users/").content.decode()
    assert CANARY_USERNAME not in listing and world.wss_a.username in listing
    for search in ("canary", "zephyr", "survivor"):
        found = editor.get("/editor/users/results/", {"q": search})
        assert found.status_code == 200
        assert f"/editor/users/edit/{her.pk}/" not in found.content.decode()
    for path in (
        f"/editor/users/edit/{her.pk}/",
        f"/editor/users/history/{her.pk}/",
        f"/editor/users/history-results/{her.pk}/",
        f"/editor/users/delete/{her.pk}/",
        f"/editor/users/usage/{her.pk}/",
        f"/editor/users/copy/{her.pk}/",
    ):
        assert editor.get(path).status_code == 404, path
    assert editor.get(f"/editor/users/edit/{world.wss_a.pk}/").status_code == 200


def test_the_wagtail_admin_keeps_the_role_rules(world) -> None:
    from django.contrib.auth.models import Group

    from contacts import roles

    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    editor = sign_in(Client(), root)
    both = Group.objects.filter(name__in=[roles.PROGRAMME_WORKER, roles.WSS_WORKER])
    response = editor.post(
        f"/editor/users/edit/{world.programme.pk}/",
        {
            "username": world.programme.username,
            "email": "p@example.org",
            "first_name": "P",
            "last_name": "W",
            "is_active": "on",
            "groups": [group.pk for group in both],
        },
    )
    assert response.status_code == 200
    assert "cannot hold a programme role and a support role" in response.content.decode()
    assert set(world.programme.groups.values_list("name", flat=True)) == {roles.PROGRAMME_WORKER}
