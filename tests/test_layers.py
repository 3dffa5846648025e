"""Layers inside each app: selectors only read (no audit writes, no 404s: the
view decides both); services queue tasks through one helper, by name, and never
import the task module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client

from contacts.models import AuditEvent
from contacts.services import queue
from programme.models import ParticipantStatus
from programme.services import records
from survivors.selectors import cases as cases_selectors
from survivors.selectors import messages as messages_selectors

from .conftest import sign_in

ROOT = Path(__file__).resolve().parents[1]
APPS = ("contacts", "programme", "survivors", "checkins")


def _imports(path: Path) -> set[str]:
    """Every ``module`` and ``module.name`` a file imports (relative ones as written)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_selectors_neither_write_the_audit_log_nor_raise_404() -> None:
    offenders = {}
    for path in sorted(p for app in APPS for p in (ROOT / app / "selectors").glob("*.py")):
        bad = {
            name
            for name in _imports(path)
            if "services" in name or name.endswith(".Http404") or "audit_record" in name
        }
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_a_selector_read_writes_nothing_and_says_none_for_another_workers_case(world) -> None:
    before = AuditEvent.objects.count()
    assert (
        cases_selectors.survivor_for_worker(worker=world.wss_other, survivor_id=world.survivor_a.pk)
        is None
    )
    found = cases_selectors.survivor_for_worker(worker=world.wss_a, survivor_id=world.survivor_a.pk)
    assert found == world.survivor_a
    assert (
        messages_selectors.thread_for_worker(
            worker=world.wss_other, survivor_id=world.survivor_a.pk
        )
        is None
    )
    assert AuditEvent.objects.count() == before


def test_the_view_still_audits_the_read_and_hides_another_workers_case(world) -> None:
    other = sign_in(Client(), world.wss_other)
    assert other.get(f"/staff/cases/{world.survivor_a.pk}/messages/").status_code == 404
    assert not AuditEvent.objects.filter(actor=world.wss_other, action="thread.view").exists()
    own = sign_in(Client(), world.wss_a)
    assert own.get(f"/staff/cases/{world.survivor_a.pk}/messages/").status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.wss_a, action="thread.view", survivor_id=world.survivor_a.pk
    ).exists()


def test_services_never_import_the_task_module() -> None:
    offenders = {}
    for path in sorted(p for app in APPS for p in (ROOT / app / "services").glob("*.py")):
        bad = {name for name in _imports(path) if "tasks" in name.split(".")}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_every_task_a_service_queues_keeps_its_registered_name() -> None:
    from survivor_portal.celery import app

    for name in queue.TASK_NAMES:
        assert queue.task_for(name).name == name
        assert name in app.tasks
    with pytest.raises(LookupError):
        queue.task_for("checkins.tasks.no_such_task")


def test_a_task_is_queued_only_when_the_cause_commits(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        records.status_change_record(
            actor=world.programme,
            participant=world.lone_participant,
            status=ParticipantStatus.SUSPENDED,
        )
    # The programme's event announcement (which wakes the WSS side): after the commit.
    assert len(callbacks) == 1
