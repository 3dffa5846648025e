"""Roles kept apart (SPEC 2 "one person, one side", SPEC 3 "reading
her messages is never a manager's right"): the services refuse every account that
would break the rule, nobody changes their own roles, a WSS worker keeps her role
while she holds cases, and the role is read again at the time of every use.
`manage.py check_roles` finds accounts from before the rule; its figure feeds
`make security`."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client

from contacts import roles
from contacts.errors import AccountError
from contacts.models import User
from contacts.services import accounts
from programme.services import records
from survivors.errors import AllocationError
from survivors.models import Survivor
from survivors.services import cases as cases_services

from ..conftest import CANARY_MESSAGE, sign_in
from ..factories import staff_user
from ..figures import record


def _check_roles() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_roles", stdout=out)
    except SystemExit as stopped:
        return int(stopped.code), out.getvalue()
    return 0, out.getvalue()


def _put_in_groups(user: User, *names: str) -> None:
    """Data from before the rule: groups set directly, past the services."""
    user.groups.set(Group.objects.filter(name__in=names))


def test_no_account_holds_roles_from_both_sides(world) -> None:
    for both in (
        [roles.PROGRAMME_WORKER, roles.WSS_WORKER],
        [roles.PROGRAMME_WORKER, roles.SERVICE_MANAGER],
    ):
        with pytest.raises(AccountError) as caught:
            accounts.staff_account_create(actor=world.manager, username="both.x", role_names=both)
        assert caught.value.code == "both_sides"
    assert not User.objects.filter(username="both.x").exists()

    client = sign_in(Client(), world.manager)
    response = client.post(
        "/staff/people/new/",
        {"username": "both.y", "roles": [roles.PROGRAMME_WORKER, roles.WSS_WORKER]},
    )
    assert response.status_code == 400
    assert "cannot hold a programme role and a support role" in response.content.decode()
    assert not User.objects.filter(username="both.y").exists()

    # Editing an existing programme worker into both sides is refused too.
    edit = client.post(
        f"/staff/people/{world.programme.pk}/",
        {"roles": [roles.PROGRAMME_WORKER, roles.WSS_WORKER], "is_active": "on"},
    )
    assert edit.status_code == 400
    assert set(world.programme.groups.values_list("name", flat=True)) == {roles.PROGRAMME_WORKER}

    # Comms staff hold neither side's data and may sit beside either side.
    accounts.staff_account_create(
        actor=world.manager,
        username="comms.p",
        role_names=[roles.COMMS_STAFF, roles.PROGRAMME_WORKER],
    )
    accounts.staff_account_create(
        actor=world.manager, username="comms.w", role_names=[roles.COMMS_STAFF, roles.WSS_WORKER]
    )


def test_a_manager_cannot_make_herself_a_worker_and_read_her_messages(world) -> None:
    client = sign_in(Client(), world.manager)
    own = client.post(
        f"/staff/people/{world.manager.pk}/",
        {"roles": [roles.SERVICE_MANAGER, roles.WSS_WORKER], "is_active": "on"},
    )
    assert own.status_code == 400
    assert "cannot change your own roles" in own.content.decode()
    assert set(world.manager.groups.values_list("name", flat=True)) == {roles.SERVICE_MANAGER}

    # Another manager cannot give her the role either: the two never combine.
    second = staff_user(roles.SERVICE_MANAGER, username="manager-2")
    with pytest.raises(AccountError) as caught:
        accounts.staff_account_update(
            actor=second,
            user=world.manager,
            role_names=[roles.SERVICE_MANAGER, roles.WSS_WORKER],
            email="",
            is_duty_worker=False,
            alert_emails=False,
            is_active=True,
        )
    assert caught.value.code == "manager_and_worker"
    with pytest.raises(AllocationError):
        cases_services.survivor_allocate(
            actor=second, survivor=world.survivor_a, worker=world.manager
        )

    # An account from before the rule, holding both and a case, still reads nothing.
    _put_in_groups(world.manager, roles.SERVICE_MANAGER, roles.WSS_WORKER)
    Survivor.objects.filter(pk=world.survivor_a.pk).update(worker=world.manager)
    mixed = sign_in(Client(), world.manager)
    for path in (
        "/staff/caseload/",
        f"/staff/cases/{world.survivor_a.pk}/",
        f"/staff/cases/{world.survivor_a.pk}/messages/",
    ):
        response = mixed.get(path)
        assert response.status_code == 403, path
        assert CANARY_MESSAGE not in response.content.decode()


def test_nobody_changes_their_own_roles(world) -> None:
    for new_roles in ([roles.SERVICE_MANAGER, roles.COMMS_STAFF], [roles.COMMS_STAFF]):
        with pytest.raises(AccountError) as caught:
            accounts.staff_account_update(
                actor=world.manager,
                user=world.manager,
                role_names=new_roles,
                email="m@example.org",
                is_duty_worker=False,
                alert_emails=False,
                is_active=True,
            )
        assert caught.value.code == "own_roles"
    # Her own email and alert choice are still hers to change.
    accounts.staff_account_update(
        actor=world.manager,
        user=world.manager,
        role_names=[roles.SERVICE_MANAGER],
        email="m@example.org",
        is_duty_worker=False,
        alert_emails=False,
        is_active=True,
    )
    world.manager.refresh_from_db()
    assert world.manager.email == "m@example.org"


def test_a_worker_with_cases_keeps_her_role_until_they_are_reallocated(world) -> None:
    client = sign_in(Client(), world.manager)
    change = {"roles": [roles.PROGRAMME_WORKER], "is_active": "on"}
    refused = client.post(f"/staff/people/{world.wss_a.pk}/", change)
    assert refused.status_code == 400
    assert "still has cases" in refused.content.decode()
    assert set(world.wss_a.groups.values_list("name", flat=True)) == {roles.WSS_WORKER}
    assert sign_in(Client(), world.wss_a).get("/staff/caseload/").status_code == 200

    new_worker = staff_user(roles.WSS_WORKER, username="worker-c")
    cases_services.survivor_allocate(
        actor=world.manager, survivor=world.survivor_a, worker=new_worker
    )
    assert client.post(f"/staff/people/{world.wss_a.pk}/", change).status_code == 302
    assert set(world.wss_a.groups.values_list("name", flat=True)) == {roles.PROGRAMME_WORKER}


def test_a_former_wss_worker_gets_no_alert_email_and_no_wss_page(
    world, django_capture_on_commit_callbacks
) -> None:
    """Switched to the programme side past the services, still holding a case: a
    status change she records sends her no "New alert" email (it would tell her
    that the man has a linked survivor) and every WSS page refuses her."""
    former = world.wss_a
    former.email, former.alert_emails = "former@example.org", True
    former.save()
    _put_in_groups(former, roles.PROGRAMME_WORKER)
    client = sign_in(Client(), former)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/staff/participants/{world.linked_participant.pk}/status/",
            {"status": "suspended", "reason": ""},
        )
    assert response.status_code == 302
    assert callbacks  # the email task ran, and sent nothing
    assert mail.outbox == []
    for path in (
        "/staff/caseload/",
        f"/staff/cases/{world.survivor_a.pk}/",
        f"/staff/cases/{world.survivor_a.pk}/messages/",
        f"/staff/cases/{world.survivor_a.pk}/safe-contact/",
        f"/staff/cases/{world.survivor_a.pk}/check-ins/",
        f"/staff/alerts/{world.survivor_a.alerts.get().pk}/",
    ):
        assert client.get(path).status_code in (403, 404), path
    # Made a WSS worker again, she is emailed for the next one.
    _put_in_groups(former, roles.WSS_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status="attending"
        )
    assert [m.to for m in mail.outbox] == [["former@example.org"]]


def test_the_ops_admin_keeps_the_same_role_rules(world) -> None:
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    admin = sign_in(Client(), root)
    page = admin.get(f"/ops/contacts/user/{world.programme.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "groups": list(
                Group.objects.filter(
                    name__in=[roles.PROGRAMME_WORKER, roles.WSS_WORKER]
                ).values_list("pk", flat=True)
            ),
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    response = admin.post(f"/ops/contacts/user/{world.programme.pk}/change/", data)
    assert response.status_code == 200
    assert "cannot hold a programme role and a support role" in response.content.decode()
    assert set(world.programme.groups.values_list("name", flat=True)) == {roles.PROGRAMME_WORKER}


def test_check_roles_reports_accounts_that_break_the_rule(world) -> None:
    status, output = _check_roles()
    assert status == 0
    assert "role-rule violations found: 0" in output
    record("role-rule violations found", int(output.rsplit(":", 1)[1]))

    _put_in_groups(world.programme, roles.PROGRAMME_WORKER, roles.WSS_WORKER)
    _put_in_groups(world.wss_a, roles.PROGRAMME_WORKER)  # still holds survivor A
    status, output = _check_roles()
    assert status == 1
    assert f"account {world.programme.pk} (prog-worker) holds a programme role" in output
    assert f"account {world.wss_a.pk} (worker-a) holds cases without being a WSS worker" in output
    assert "role-rule violations found: 2" in output
