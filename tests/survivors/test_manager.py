"""Service manager: opening cases with the activation code, allocation (and its
rule), links, staff accounts and roles, sign-in controls, the audit log,
reports with small-number suppression."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from checkins.selectors import reports
from contacts import roles
from contacts.models import AuditEvent, User
from contacts.spreadsheet import csv_safe
from survivors.models import ActivationCode, Alert, Allocation, ContactLogEntry, Survivor
from survivors.services import alerts, contact_log
from survivors.services.activation import survivor_activate

from ..conftest import CANARY_MESSAGE, sign_in
from ..factories import staff_user


def test_allocating_two_women_linked_to_one_man_to_the_same_worker_is_refused(world) -> None:
    client = sign_in(Client(), world.manager)
    response = client.post(
        f"/staff/allocations/{world.survivor_b.pk}/", {"worker": world.wss_a.pk}, follow=True
    )
    assert "already supports someone linked to the same man" in response.content.decode()
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.worker == world.wss_other


def test_reallocation_moves_the_case_and_keeps_history(world) -> None:
    new_worker = staff_user(roles.WSS_WORKER, username="worker-c")
    client = sign_in(Client(), world.manager)
    response = client.post(
        f"/staff/allocations/{world.survivor_a.pk}/", {"worker": new_worker.pk}, follow=True
    )
    assert f"Case {world.survivor_a.pk} allocated." in response.content.decode()
    assert (
        sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/").status_code
        == 404
    )
    assert (
        sign_in(Client(), new_worker).get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 200
    )
    history = list(Allocation.objects.filter(survivor=world.survivor_a).order_by("started_at"))
    assert [a.worker for a in history] == [world.wss_a, new_worker]
    assert history[0].ended_at is not None and history[1].ended_at is None


def test_linking_a_participant_that_would_clash_is_refused(world) -> None:
    client = sign_in(Client(), world.manager)
    # Move B off the linked man, then try to link her back while sharing A's worker.
    client.post(f"/staff/allocations/{world.survivor_b.pk}/link/", {"participant": ""})
    client.post(f"/staff/allocations/{world.survivor_b.pk}/", {"worker": world.wss_a.pk})
    response = client.post(
        f"/staff/allocations/{world.survivor_b.pk}/link/",
        {"participant": world.linked_participant.pk},
        follow=True,
    )
    assert "already supports someone linked to the same man" in response.content.decode()
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.participant_id is None
    ok = client.post(
        f"/staff/allocations/{world.survivor_b.pk}/link/",
        {"participant": world.lone_participant.pk},
        follow=True,
    )
    assert "link saved" in ok.content.decode()


def test_opening_a_case_issues_a_code_she_can_activate_with(world) -> None:
    client = sign_in(Client(), world.manager)
    response = client.post(
        "/staff/allocations/new/",
        {
            "known_as": "Rowan",
            "worker": world.wss_a.pk,
            "participant": world.lone_participant.pk,
            "issue_code": "on",
        },
    )
    assert response.status_code == 200
    code = response.context["code"]
    survivor = Survivor.objects.get(participant=world.lone_participant)
    assert survivor.known_as == "Rowan"
    assert survivor.worker == world.wss_a and survivor.participant == world.lone_participant
    assert ActivationCode.objects.filter(survivor=survivor, used_at__isnull=True).count() == 1
    assert code not in str(ActivationCode.objects.values_list("code_hash", flat=True)[0])
    user = survivor_activate(code=code, username="rowan-r", passphrase="a very long phrase 9")
    survivor.refresh_from_db()
    assert survivor.user == user


def test_opening_a_case_that_breaks_the_rule_saves_nothing(world) -> None:
    client = sign_in(Client(), world.manager)
    before = Survivor.objects.count()
    response = client.post(
        "/staff/allocations/new/",
        {"known_as": "Third", "worker": world.wss_a.pk, "participant": world.linked_participant.pk},
    )
    assert response.status_code == 400
    assert "already supports someone linked" in response.content.decode()
    assert Survivor.objects.count() == before
    assert "Third" not in [survivor.known_as for survivor in Survivor.objects.all()]
    assert client.post("/staff/allocations/new/", {"known_as": "  "}).status_code == 400


def test_manager_lifts_lockout_and_signs_her_out_everywhere(world) -> None:
    her = sign_in(Client(), world.survivor_a.user)
    assert her.get("/").status_code == 200
    manager = sign_in(Client(), world.manager)
    response = manager.post(f"/staff/allocations/{world.survivor_a.pk}/sessions/", follow=True)
    assert "1 session ended." in response.content.decode()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(world.survivor_a.user.pk)
        for s in Session.objects.all()
    )
    assert "_auth_user_id" not in her.session
    lifted = manager.post(f"/staff/allocations/{world.survivor_a.pk}/unlock/", follow=True)
    assert "she can sign in again now" in lifted.content.decode()
    assert AuditEvent.objects.filter(action="survivor.lockout_lift").exists()


def test_manager_never_reads_her_messages(world) -> None:
    client = sign_in(Client(), world.manager)
    for path in (
        "/staff/allocations/",
        f"/staff/cases/{world.survivor_a.pk}/",
        f"/staff/cases/{world.survivor_a.pk}/messages/",
        "/staff/audit/",
        "/staff/reports/",
        "/staff/disclosures/",
    ):
        assert CANARY_MESSAGE not in client.get(path).content.decode()


def test_new_staff_account_must_set_up_an_authenticator_at_first_sign_in(world) -> None:
    client = sign_in(Client(), world.manager)
    response = client.post(
        "/staff/people/new/",
        {"username": "new.worker", "roles": [roles.WSS_WORKER], "email": "n@example.org"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="new.worker")
    assert user.kind == User.Kind.STAFF and user.groups.get().name == roles.WSS_WORKER
    assert AuditEvent.objects.filter(action="staff.create", object_id=str(user.pk)).exists()

    newcomer = Client()
    login = newcomer.post("/staff/login/", {"username": "new.worker", "password": password})
    assert login["Location"].startswith("/staff/otp/setup/")
    assert newcomer.get("/staff/caseload/")["Location"].startswith("/staff/otp/setup/")

    taken = client.post(
        "/staff/people/new/", {"username": "NEW.worker", "roles": [roles.WSS_WORKER]}
    )
    assert taken.status_code == 400 and "already in use" in taken.content.decode()
    no_role = client.post("/staff/people/new/", {"username": "someone"})
    assert no_role.status_code == 400 and "Choose at least one role" in no_role.content.decode()
    duty_programme = client.post(
        "/staff/people/new/",
        {"username": "p.duty", "roles": [roles.PROGRAMME_WORKER], "is_duty_worker": "on"},
    )
    assert duty_programme.status_code == 400
    assert not User.objects.filter(username="p.duty").exists()


def test_manager_changes_roles_but_not_her_own_manager_role(world) -> None:
    client = sign_in(Client(), world.manager)
    response = client.post(
        f"/staff/people/{world.wss_other.pk}/",
        {"roles": [roles.WSS_WORKER], "is_duty_worker": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    world.wss_other.refresh_from_db()
    assert world.wss_other.is_duty_worker
    own = client.post(
        f"/staff/people/{world.manager.pk}/", {"roles": [roles.WSS_WORKER], "is_active": "on"}
    )
    assert own.status_code == 400
    assert "cannot change your own roles" in own.content.decode()
    assert world.manager.groups.filter(name=roles.SERVICE_MANAGER).exists()


def test_deactivating_and_resetting_staff_sign_them_out(world) -> None:
    worker = sign_in(Client(), world.wss_other)
    assert worker.get("/staff/caseload/").status_code == 200
    manager = sign_in(Client(), world.manager)
    response = manager.post(f"/staff/people/{world.wss_other.pk}/authenticator/", follow=True)
    assert "authenticator was removed" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.wss_other).exists()
    assert worker.get("/staff/caseload/")["Location"].startswith("/staff/login/")
    assert AuditEvent.objects.filter(action="staff.totp_reset").exists()

    password = manager.post(f"/staff/people/{world.wss_other.pk}/password/").context["password"]
    fresh = Client()
    login = fresh.post(
        "/staff/login/", {"username": world.wss_other.username, "password": password}
    )
    assert login["Location"].startswith("/staff/otp/setup/")

    again = sign_in(Client(), world.wss_a)
    manager.post(f"/staff/people/{world.wss_a.pk}/sessions/")
    assert again.get("/staff/caseload/")["Location"].startswith("/staff/login/")


def test_audit_log_filters(world) -> None:
    sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/")
    client = sign_in(Client(), world.manager)
    by_actor = client.get("/staff/audit/", {"actor": world.wss_a.pk})
    assert by_actor.status_code == 200
    assert {e.actor_id for e in by_actor.context["page"]} == {world.wss_a.pk}
    by_case = client.get("/staff/audit/", {"case": world.survivor_a.pk, "action": "survivor.view"})
    events = list(by_case.context["page"])
    assert events and all(
        e.survivor_id == world.survivor_a.pk and e.action == "survivor.view" for e in events
    )
    today = timezone.localdate()
    dated = client.get("/staff/audit/", {"date_from": (today + timedelta(days=1)).isoformat()})
    assert list(dated.context["page"]) == []
    bad = client.get("/staff/audit/", {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert bad.status_code == 400
    assert "start date is after the end date" in bad.content.decode()


def test_audit_log_is_append_only_even_for_the_admin(world, client) -> None:
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    admin = sign_in(Client(), root)
    assert admin.get("/ops/contacts/auditevent/").status_code == 200
    assert admin.get(f"/ops/contacts/auditevent/{event.pk}/delete/").status_code == 403
    response = admin.post(
        "/ops/contacts/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)
    change = admin.post(f"/ops/contacts/auditevent/{event.pk}/change/", {"action": "edited"})
    assert change.status_code in (302, 403)
    assert AuditEvent.objects.get(pk=event.pk).action != "edited"


def test_reports_show_small_counts_as_fewer_than_5(world) -> None:
    for _ in range(4):
        contact_log.contact_log_add(
            actor=world.wss_a, survivor=world.survivor_a, kind="call", outcome="spoke"
        )
    for _ in range(6):
        alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    report = reports.monthly_report()
    rows = {row.label: row.cells for row in report.rows}
    assert rows["Contacts made (calls, visits, texts)"][-1] == "fewer than 5"
    assert rows["Alerts: Call requested"][-1] == "6"
    assert rows["Women supported"][-1] == "fewer than 5"  # two women allocated
    assert all(cell == "fewer than 5" for cell in rows["Alerts: Signed in under duress"])
    contact_log.contact_log_add(
        actor=world.wss_a, survivor=world.survivor_a, kind="visit", outcome="met"
    )
    assert {r.label: r.cells for r in reports.monthly_report().rows}[
        "Contacts made (calls, visits, texts)"
    ][-1] == "5"
    assert ContactLogEntry.objects.count() == 5

    client = sign_in(Client(), world.manager)
    page = client.get("/staff/reports/").content.decode()
    assert "fewer than 5" in page
    export = client.get("/staff/reports/monthly.csv")
    assert export["Content-Type"].startswith("text/csv")
    csv_rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert csv_rows[0][-1] == timezone.localdate().strftime("%b %Y")
    # The service's cases all came this month: the months before are left out,
    # not shown as "fewer than 5".
    assert csv_rows[0] == ["", timezone.localdate().strftime("%b %Y")]
    assert ["Alerts: Call requested", "6"] in csv_rows
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in csv_rows for cell in row)


def test_csv_cells_cannot_become_formulas() -> None:
    assert csv_safe("=1+2") == "'=1+2"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("fewer than 5") == "fewer than 5"
