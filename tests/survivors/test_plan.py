"""Her plan (SPEC 9): steps under neutral headings that she edits in
the portal ("My plan") and her worker edits on her case; every version kept
with who changed what; encrypted at rest; each staff read audited; quick exit,
no-store and plain forms as on every portal page; programme events prompt a
review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from contacts.discretion import discretion_words_in
from contacts.models import AuditAction, AuditEvent
from programme.services import records
from survivors.errors import PlanError
from survivors.models import PlanVersion
from survivors.selectors.plan import PLAN_HEADINGS, plan_current, plan_steps
from survivors.services import plan as plan_services

from ..conftest import CANARY_PLAN, sign_in
from ..factories import ProgrammeSessionFactory
from .test_at_rest import raw_dump


def _versions(survivor) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(survivor=survivor).order_by("pk"))


def test_she_edits_her_plan_and_her_worker_sees_the_version_with_its_author(world) -> None:
    her = world.survivor_a
    portal = sign_in(Client(), her.user)
    page = portal.get("/plan/")
    assert page.status_code == 200
    assert CANARY_PLAN in page.content.decode()  # her worker's earlier version
    response = portal.post(
        "/plan/",
        {"people": CANARY_PLAN, "places": "The library on Park Road", "other": ""},
        follow=True,
    )
    assert "Saved." in response.content.decode()
    assert "The library on Park Road" in response.content.decode()
    latest = _versions(her)[-1]
    assert latest.author == her.user
    assert latest.changed == "places"
    staff = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/plan/").content.decode()
    assert "saved by her" in staff
    assert "Changed: Places I can go" in staff
    assert "The library on Park Road" in staff
    assert "saved by worker-a" in staff  # the first version stays, with its author


def test_her_worker_edits_it_and_she_reads_the_new_version(world) -> None:
    her = world.survivor_a
    worker = sign_in(Client(), world.wss_a)
    worker.post(
        f"/staff/cases/{her.pk}/plan/",
        {"people": CANARY_PLAN, "ready": "Spare key with Jo"},
    )
    assert plan_steps(plan_current(survivor=her))["ready"] == "Spare key with Jo"
    assert _versions(her)[-1].author == world.wss_a
    assert "Spare key with Jo" in sign_in(Client(), her.user).get("/plan/").content.decode()
    # Saving the same again changes nothing and adds no version.
    count = len(_versions(her))
    response = worker.post(
        f"/staff/cases/{her.pk}/plan/",
        {"people": CANARY_PLAN, "ready": "Spare key with Jo"},
        follow=True,
    )
    assert "Nothing changed." in response.content.decode()
    assert len(_versions(her)) == count


def test_a_too_long_part_is_refused_and_nothing_is_written(world) -> None:
    her = world.survivor_a
    count = len(_versions(her))
    response = sign_in(Client(), her.user).post("/plan/", {"people": "x" * 2001})
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert len(_versions(her)) == count
    with pytest.raises(PlanError):
        plan_services.plan_save(actor=her.user, survivor=her, steps={"elsewhere": "x"})


def test_the_plan_is_encrypted_at_rest(world) -> None:
    assert CANARY_PLAN not in raw_dump()


def test_her_plan_page_keeps_the_portal_discretion(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    response = client.get("/plan/")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert 'href="/leave/"' in body and 'rel="nofollow noreferrer"' in body
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert discretion_words_in(title) == []
    assert "<script" not in body.split("<main", 1)[1]  # a plain form: no script needed
    # Her headings and the page's own words name nothing, in every language.
    for language in ("en", "cy", "pl", "ur"):
        with translation.override(language):
            words = [str(label) for _key, label in PLAN_HEADINGS]
            words += [translation.gettext("My plan")]
            assert discretion_words_in(" ".join(words), language=language) == []


def test_every_staff_read_is_audited_and_only_her_worker_reads_it(world) -> None:
    case = world.survivor_a.pk
    reads = AuditEvent.objects.filter(action=AuditAction.PLAN_VIEW, object_id=str(case))
    assert sign_in(Client(), world.wss_a).get(f"/staff/cases/{case}/plan/").status_code == 200
    assert reads.count() == 1
    for user in (world.wss_other, world.manager, world.programme):
        response = sign_in(Client(), user).get(f"/staff/cases/{case}/plan/")
        assert response.status_code in (403, 404)
        assert CANARY_PLAN not in response.content.decode()
    # Another survivor's session reaches only her own plan.
    assert (
        CANARY_PLAN not in sign_in(Client(), world.survivor_b.user).get("/plan/").content.decode()
    )


@pytest.mark.parametrize(
    ("status", "prompted"),
    [
        ("completed", True),
        ("suspended", True),
        ("dropped_out", True),
        ("order_breached", True),
        ("attending", False),
    ],
)
def test_his_status_changes_prompt_her_worker_to_review_the_plan(
    world, django_capture_on_commit_callbacks, status: str, prompted: bool
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status=status
        )
    page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/")
    assert ("Review her plan with her." in page.content.decode()) is prompted


@pytest.mark.parametrize(
    ("days_ahead", "status", "prompted"),
    [(10, "attending", True), (20, "attending", False), (10, "suspended", False)],
)
def test_his_last_session_nearing_prompts_a_review(
    world, days_ahead: int, status: str, prompted: bool
) -> None:
    participant = world.linked_participant
    participant.status = status
    participant.save(update_fields=["status"])
    last = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=days_ahead)
    )
    page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/")
    when = timezone.localtime(last.starts_at)
    shown = f"His group's last session is on {when:%-d %b %Y}: review her plan"
    assert (shown in page.content.decode()) is prompted
