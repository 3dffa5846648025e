"""Audit actions are an enum: what the log can say is listed in one place, and
the stored strings stay the ones existing rows and filters already use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contacts.models import AuditAction, AuditEvent
from contacts.services import audit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("action", ["staff.create", "made_up.action", ""])
def test_a_free_string_action_is_refused_and_nothing_is_written(world, action) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(TypeError, match="AuditAction"):
        audit.audit_record(actor=world.manager, action=action, obj=world.manager)
    assert AuditEvent.objects.count() == before


def test_an_enum_action_is_stored_as_its_usual_string(world) -> None:
    event = audit.audit_record(actor=world.manager, action=AuditAction.STAFF_CREATE)
    stored = AuditEvent.objects.filter(pk=event.pk).values_list("action", flat=True).get()
    assert stored == "staff.create"
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_CREATE, pk=event.pk).exists()


def test_every_action_fits_the_column_and_says_what_happened_in_words() -> None:
    width = AuditEvent._meta.get_field("action").max_length
    assert all(len(action.value) <= width for action in AuditAction)
    assert all(action.label and action.label != action.value for action in AuditAction)


def test_no_code_writes_an_audit_action_as_a_free_string() -> None:
    """``action="..."`` string literals passed to ``audit_record`` or
    ``AuditEvent.objects.create`` anywhere in the project code."""
    offenders = []
    for folder in ("contacts", "survivor_portal", "cms"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name not in ("audit_record", "create"):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
