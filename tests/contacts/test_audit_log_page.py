"""The audit log (SPEC 2, SPEC 12) reads like English, filters by person,
action and date, and downloads as CSV that no spreadsheet will run as a formula."""

from __future__ import annotations

import csv
import io

from django.test import Client

from contacts.models import AuditAction, AuditEvent, User
from contacts.services.audit import audit_record

from ..conftest import sign_in


def test_rows_read_as_sentences(world) -> None:
    audit_record(actor=world.wss_a, action=AuditAction.THREAD_VIEW, survivor=world.survivor_a)
    body = sign_in(Client(), world.manager).get("/staff/audit/").content.decode()
    assert f"Read case {world.survivor_a.pk}&#x27;s messages" in body
    assert "thread.view</td>" not in body
    assert '<option value="thread.view">Messages read</option>' in body


def test_filters_by_person_action_and_date(world) -> None:
    audit_record(actor=world.wss_a, action=AuditAction.THREAD_VIEW, survivor=world.survivor_a)
    client = sign_in(Client(), world.manager)
    body = client.get(
        "/staff/audit/", {"actor": world.wss_a.pk, "action": "thread.view"}
    ).content.decode()
    assert "1 event." in body
    none = client.get("/staff/audit/", {"action": "survivor.view_duty"}).content.decode()
    assert "0 events." in none
    bad = client.get("/staff/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 400


def test_csv_export_neutralises_formulas_and_is_audited(world) -> None:
    sly = User.objects.create(username="=HYPERLINK(1)", kind=User.Kind.STAFF)
    audit_record(actor=sly, action=AuditAction.STAFF_PREFERENCES, obj=sly)
    client = sign_in(Client(), world.manager)
    response = client.get("/staff/audit/export.csv", {"actor": sly.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == ["when", "who", "what", "action", "object", "case"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][2] == f"Staff alert-email choice saved (user {sly.pk})"
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORT, actor=world.manager).exists()
    assert client.get("/staff/audit/export.csv?date_from=x").status_code == 400
