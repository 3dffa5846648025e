"""Items from the programme on her case (SPEC 10): monthly entries and
reports reach each linked survivor's worker once, as an item and an alert; her
worker records sharing them, may show a report (or part) in her portal with a
note, and records what she told the programme as a disclosure with its basis.
None of it is visible to the programme side or to another worker."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent
from programme.services import casework
from survivors.models import Alert, Disclosure, ProgrammeItem
from survivors.services.events import programme_events_consume

from .. import access_matrix as matrix
from ..conftest import (
    CANARIES,
    CANARY_DISCLOSURE,
    CANARY_PORTAL_NOTE,
    CANARY_SHARED_NOTE,
    sign_in,
)

REPORT = "He completed the assessment.\n\nHe starts group in January.\n\nReviewed monthly."


def _entry(world, participant=None):
    return casework.case_entry_record(
        actor=world.programme,
        participant=participant or world.linked_participant,
        engagement="some",
        engagement_note="missed one session",
        assessment_outcome="accepted",
    )


def _report(world, participant=None):
    return casework.report_attach(
        actor=world.programme,
        participant=participant or world.linked_participant,
        kind="assessment",
        text=REPORT,
    )


def test_an_entry_reaches_both_linked_workers_once_and_nobody_for_a_lone_man(world) -> None:
    _entry(world)
    _entry(world, world.lone_participant)
    programme_events_consume()
    programme_events_consume()  # a replay takes nothing in twice
    items = ProgrammeItem.objects.order_by("survivor_id")
    assert [item.survivor for item in items] == [world.survivor_a, world.survivor_b]
    alerts = Alert.objects.filter(kind=Alert.Kind.PROGRAMME_ITEM)
    assert sorted(a.survivor_id for a in alerts) == sorted(
        [world.survivor_a.pk, world.survivor_b.pk]
    )
    for worker, survivor in ((world.wss_a, world.survivor_a), (world.wss_other, world.survivor_b)):
        page = sign_in(Client(), worker).get(f"/staff/cases/{survivor.pk}/").content.decode()
        month = timezone.localdate().strftime("%B %Y")
        assert f"Monthly entry, {month}: Engaging in part; Accepted onto the programme" in page
        assert "New from the programme&#x27;s case management" in page
        assert "Not yet" in page


def test_her_worker_records_that_she_shared_it_and_another_worker_cannot(world) -> None:
    _entry(world)
    programme_events_consume()
    item = ProgrammeItem.objects.get(survivor=world.survivor_a)
    other = sign_in(Client(), world.wss_other)
    assert other.get(f"/staff/case-items/{item.pk}/").status_code == 404
    assert other.post(f"/staff/case-items/{item.pk}/shared/", {}).status_code == 404
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/case-items/{item.pk}/").content.decode()
    assert "Engaging in part: missed one session" in page
    assert AuditEvent.objects.filter(action="programme_item.view", object_id=item.pk).exists()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(f"/staff/case-items/{item.pk}/shared/", {"shared_on": tomorrow})
    assert refused.status_code == 400
    assert "The date cannot be in the future." in refused.content.decode()
    today = timezone.localdate()
    response = client.post(
        f"/staff/case-items/{item.pk}/shared/",
        {"shared_on": today.isoformat(), "note": CANARY_SHARED_NOTE},
        follow=True,
    )
    body = response.content.decode()
    assert "Recorded as shared with her." in body
    assert f"Shared with her on {today:%-d %b %Y} by worker-a: {CANARY_SHARED_NOTE}" in body
    again = client.post(f"/staff/case-items/{item.pk}/shared/", {"shared_on": today.isoformat()})
    assert again.status_code == 400
    assert "already been recorded" in again.content.decode()
    case = client.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    assert f"Shared with her on {today:%-d %b %Y}" in case


def test_her_worker_shows_part_of_a_report_in_her_portal_and_her_look_is_recorded(world) -> None:
    _report(world)
    programme_events_consume()
    item = ProgrammeItem.objects.get(survivor=world.survivor_a)
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/case-items/{item.pk}/").content.decode()
    assert "<p>He starts group in January.</p>" in page
    nothing = client.post(f"/staff/case-items/{item.pk}/show/", {"note": "hello"})
    assert nothing.status_code == 400
    assert "Choose at least one paragraph" in nothing.content.decode()
    no_note = client.post(f"/staff/case-items/{item.pk}/show/", {"paragraphs": ["1"]})
    assert no_note.status_code == 400
    assert "Write a short note" in no_note.content.decode()
    item.refresh_from_db()
    assert item.portal_shared_at is None
    shown = client.post(
        f"/staff/case-items/{item.pk}/show/",
        {"paragraphs": ["0", "2"], "note": CANARY_PORTAL_NOTE},
        follow=True,
    )
    assert "Shown in her account." in shown.content.decode()
    assert "she has not opened it yet" in shown.content.decode()
    item.refresh_from_db()
    assert item.portal_text == "He completed the assessment.\n\nReviewed monthly."
    assert item.shared_on == timezone.localdate()

    her = sign_in(Client(), world.survivor_a.user)
    notes = her.get("/notes/")
    body = notes.content.decode()
    assert "no-store" in notes["Cache-Control"]
    assert "He completed the assessment." in body and "Reviewed monthly." in body
    assert "January" not in body  # the paragraph her worker left out
    assert CANARY_PORTAL_NOTE in body
    item.refresh_from_db()
    assert item.portal_seen_at is not None
    seen = AuditEvent.objects.filter(action="programme_item.seen", object_id=item.pk)
    assert seen.count() == 1
    her.get("/notes/")
    assert seen.count() == 1  # her first look only
    page = client.get(f"/staff/case-items/{item.pk}/").content.decode()
    assert "she first opened it on" in page
    # Survivor B (same man, the other worker) sees nothing until her worker shares it.
    assert (
        "completed the assessment"
        not in sign_in(Client(), world.survivor_b.user).get("/notes/").content.decode()
    )


def test_a_monthly_entry_cannot_be_shown_in_her_portal(world) -> None:
    _entry(world)
    programme_events_consume()
    item = ProgrammeItem.objects.get(survivor=world.survivor_a)
    client = sign_in(Client(), world.wss_a)
    response = client.post(f"/staff/case-items/{item.pk}/show/", {"paragraphs": ["0"], "note": "x"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.portal_shared_at is None


def test_what_she_tells_the_programme_is_a_disclosure_with_its_basis(world) -> None:
    client = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{world.survivor_a.pk}/case-management/"
    assert "what you told the group worker" in client.get(url).content.decode()
    refused = client.post(url, {"details": CANARY_DISCLOSURE})
    assert refused.status_code == 400
    assert "Choose the basis." in refused.content.decode()
    assert Disclosure.objects.count() == 0
    response = client.post(url, {"basis": "high_risk", "details": CANARY_DISCLOSURE}, follow=True)
    assert "Disclosure recorded." in response.content.decode()
    disclosure = Disclosure.objects.get()
    assert disclosure.agency == "Group worker (monthly case management)"
    assert disclosure.basis == "high_risk"
    listing = sign_in(Client(), world.manager).get("/staff/disclosures/").content.decode()
    assert "Group worker (monthly case management)" in listing
    assert sign_in(Client(), world.wss_other).get(url).status_code == 404


def test_the_programme_side_sees_nothing_the_wss_side_wrote(world) -> None:
    """The crawl of every programme page after the whole cycle: entry, report,
    sharing, a portal note, a disclosure to the programme. No canary anywhere."""
    from ..test_access_matrix import _crawl, programme_start_urls

    _entry(world)
    _report(world)
    programme_events_consume()
    worker = sign_in(Client(), world.wss_a)
    for item in ProgrammeItem.objects.filter(survivor=world.survivor_a):
        worker.post(
            f"/staff/case-items/{item.pk}/shared/",
            {"shared_on": timezone.localdate().isoformat(), "note": CANARY_SHARED_NOTE},
        )
        if item.report_id:
            worker.post(
                f"/staff/case-items/{item.pk}/show/",
                {"paragraphs": ["0"], "note": CANARY_PORTAL_NOTE},
            )
    worker.post(
        f"/staff/cases/{world.survivor_a.pk}/case-management/",
        {"basis": "consent", "details": CANARY_DISCLOSURE},
    )
    sign_in(Client(), world.survivor_a.user).get("/notes/")
    assert ProgrammeItem.objects.filter(portal_seen_at__isnull=False).count() == 1
    client = sign_in(Client(), world.programme)
    pages = _crawl(client, programme_start_urls(world))
    assert f"/staff/participants/{world.linked_participant.pk}/" in pages
    hits = [hit for r in pages.values() for hit in matrix.canary_hits(r, CANARIES)]
    assert hits == []
