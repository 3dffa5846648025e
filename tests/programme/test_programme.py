"""Programme side: groups, sessions, the one-screen register, status changes and
risk concerns; and that none of it depends on linked survivors (SPEC 2)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import AuditEvent
from programme.models import Attendance, Participant, ProgrammeGroup, ProgrammeSession, RiskConcern
from programme.services import records
from survivors.models import Alert
from survivors.services.events import programme_events_consume

from ..conftest import CANARIES, sign_in, without_csrf_token
from ..factories import ParticipantFactory, ProgrammeSessionFactory
from ..partner_referral_states import REFERRAL_STATES, pass_on_a_partner, put_referral_in_state


def _register_post(participants, mark="attended", **overrides) -> dict[str, str]:
    data = {f"mark_{p.pk}": mark for p in participants}
    data.update(overrides)
    return data


def test_register_saves_every_mark_in_one_submit(world) -> None:
    client = sign_in(Client(), world.programme)
    linked, lone = world.linked_participant, world.lone_participant
    page = client.get(f"/staff/sessions/{world.session.pk}/")
    assert page.status_code == 200
    assert linked.reference in page.content.decode() and lone.reference in page.content.decode()

    response = client.post(
        f"/staff/sessions/{world.session.pk}/",
        {f"mark_{linked.pk}": "late", f"mark_{lone.pk}": "excused"},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 marks changed" in response.content.decode()
    marks = dict(
        Attendance.objects.filter(session=world.session).values_list("participant_id", "mark")
    )
    assert marks == {linked.pk: "late", lone.pk: "excused"}
    assert AuditEvent.objects.filter(action="session.register", actor=world.programme).exists()

    again = client.post(
        f"/staff/sessions/{world.session.pk}/",
        {f"mark_{linked.pk}": "late", f"mark_{lone.pk}": "excused"},
        follow=True,
    )
    assert "nothing had changed" in again.content.decode()
    assert Attendance.objects.filter(session=world.session).count() == 2


def test_register_with_someone_unmarked_saves_nothing(world) -> None:
    client = sign_in(Client(), world.programme)
    response = client.post(
        f"/staff/sessions/{world.session.pk}/",
        {f"mark_{world.linked_participant.pk}": "attended"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mark every person" in body
    assert f"Mark {world.lone_participant.reference}." in body
    assert Attendance.objects.count() == 0


def test_register_refuses_an_unknown_mark(world) -> None:
    client = sign_in(Client(), world.programme)
    response = client.post(
        f"/staff/sessions/{world.session.pk}/",
        _register_post([world.linked_participant, world.lone_participant], mark="asleep"),
    )
    assert response.status_code == 400
    assert Attendance.objects.count() == 0


def test_men_who_left_are_not_on_a_new_register(world) -> None:
    gone = ParticipantFactory.create(reference="P-7999", group=world.group, status="dropped_out")
    client = sign_in(Client(), world.programme)
    body = client.get(f"/staff/sessions/{world.session.pk}/").content.decode()
    assert gone.reference not in body


def test_manager_reads_the_register_but_cannot_submit_it(world) -> None:
    client = sign_in(Client(), world.manager)
    assert client.get(f"/staff/sessions/{world.session.pk}/").status_code == 200
    response = client.post(
        f"/staff/sessions/{world.session.pk}/",
        _register_post([world.linked_participant, world.lone_participant]),
    )
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


def test_programme_worker_adds_group_session_and_participant(world) -> None:
    client = sign_in(Client(), world.programme)
    response = client.post("/staff/groups/new/", {"name": "Monday group", "meeting_details": "6pm"})
    group = ProgrammeGroup.objects.get(name="Monday group")
    assert response["Location"] == f"/staff/groups/{group.pk}/"
    duplicate = client.post("/staff/groups/new/", {"name": "monday GROUP"})
    assert duplicate.status_code == 400
    assert "already a group" in duplicate.content.decode()

    response = client.post(
        f"/staff/groups/{group.pk}/sessions/new/",
        {"date": "2026-12-07", "time": "18:30", "location": "Room 1"},
    )
    session = ProgrammeSession.objects.get(group=group)
    assert response["Location"] == f"/staff/sessions/{session.pk}/"
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "18:30"
    bad = client.post(f"/staff/groups/{group.pk}/sessions/new/", {"date": "no", "time": "25:99"})
    assert bad.status_code == 400

    response = client.post("/staff/participants/new/", {"reference": "P-8100", "group": group.pk})
    participant = Participant.objects.get(reference="P-8100")
    assert response["Location"] == f"/staff/participants/{participant.pk}/"
    assert client.post("/staff/participants/new/", {"reference": "=cmd()"}).status_code == 400


def test_risk_concern_has_basic_information_only(world) -> None:
    client = sign_in(Client(), world.programme)
    page = client.get(f"/staff/participants/{world.lone_participant.pk}/").content.decode()
    concern_form = page[page.index("Raise a risk concern") :]
    assert "<textarea" not in concern_form  # no free text about her
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/staff/participants/{world.lone_participant.pk}/concerns/",
        {"kind": "threat", "occurred_on": future, "urgency": "urgent"},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert RiskConcern.objects.count() == 0


# --- SPEC 2: nothing on the programme side depends on linked survivors ----------------


def _normalise(body: str, participant) -> str:
    body = body.replace(participant.reference, "REF")
    body = re.sub(rf"/participants/{participant.pk}/", "/participants/ID/", body)
    body = re.sub(rf"mark_{participant.pk}(?!\d)", "mark_ID", body)
    body = re.sub(rf"clear-{participant.pk}(?!\d)", "clear-ID", body)
    body = re.sub(r"/concerns/\d+/told/", "/concerns/ID/told/", body)  # each concern's own id
    body = body.replace(
        f'name="participant" value="{participant.pk}"', 'name="participant" value="ID"'
    )
    return without_csrf_token(body)


def _shape(queries) -> list[str]:
    """The statements a request ran, with literal values taken out."""
    shapes = []
    for query in queries:
        sql = re.sub(r"'[^']*'", "?", query["sql"])
        shapes.append(re.sub(r"\b\d+(\.\d+)?\b", "N", sql))
    return shapes


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("status/", {"status": "suspended", "reason": "missed two sessions"}),
        ("status/", {"status": "nonsense"}),
        (
            "concerns/",
            {"kind": "disclosed_abuse", "occurred_on": "2026-11-01", "urgency": "urgent"},
        ),
        ("concerns/", {"kind": "threat", "occurred_on": "not a date", "urgency": "urgent"}),
        # Monthly case management and reports (SPEC 10): the same for every man.
        ("case-management/", {}),
        (
            "case-management/",
            {
                "engagement": "some",
                "engagement_note": "late twice",
                "assessment_outcome": "accepted",
                "risk_kind": "threat",
                "risk_occurred_on": "2026-11-01",
                "risk_urgency": "urgent",
            },
        ),
        ("case-management/", {"engagement": "good", "risk_kind": "threat"}),
        ("reports/", {"kind": "assessment", "text": "Assessed.\n\nStarts in January."}),
        ("reports/", {"kind": "end_of_programme", "text": "   "}),
    ],
)
def test_status_and_concern_flows_are_identical_with_and_without_linked_survivors(
    world, path, data
) -> None:
    linked, lone = world.linked_participant, world.lone_participant
    client = sign_in(Client(), world.programme)
    results = []
    for participant in (linked, lone):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/staff/participants/{participant.pk}/{path}", data)
        followed = client.get(f"/staff/participants/{participant.pk}/")
        results.append(
            (
                response.status_code,
                _normalise(response.content.decode(), participant),
                sorted(response.headers),
                response.get("Location", "").replace(str(participant.pk), "ID"),
                _shape(queries.captured_queries),
                _normalise(followed.content.decode(), participant),
            )
        )
        for canary in CANARIES:
            assert canary not in response.content.decode()
    assert results[0] == results[1]
    if path in ("case-management/", "reports/"):
        # A second visit to the form (an entry made: "already recorded"), alike too.
        again = [
            _normalise(client.get(f"/staff/participants/{p.pk}/{path}").content.decode(), p)
            for p in (linked, lone)
        ]
        assert again[0] == again[1]
    if data.get("status") == "suspended" or data.get("kind") == "disclosed_abuse":
        # The programme recorded its events; taken in on the WSS side, they
        # raise the alerts for both linked survivors' workers.
        programme_events_consume()
        assert Alert.objects.filter(survivor__participant=linked).count() == 2


@pytest.mark.parametrize("state", REFERRAL_STATES)
def test_partner_details_pages_and_sql_are_identical_whatever_became_of_her(world, state) -> None:
    """SPEC 2, SPEC 13: the linked man's named partner (the canary) is waiting,
    allocated to a case she was reached on, declined or joined into an existing
    case; the other man's waits. His record, the page to pass on details, the
    next details passed on (the statements too) and his counter are the same."""
    linked, lone = world.linked_participant, world.lone_participant
    put_referral_in_state(world, pass_on_a_partner(world, linked, canary=True), state)
    pass_on_a_partner(world, lone)
    client = sign_in(Client(), world.programme)
    new_partner = {
        "occasion": "new_partner",
        "where": "case_management",
        "person-TOTAL_FORMS": "3",
        "person-INITIAL_FORMS": "0",
        "person-0-known_as": "Ola Bracken",
        "person-0-phone": "07700 900457",
        "person-0-relationship": "new",
    }
    results = []
    for participant in (linked, lone):
        pages = [
            client.get(f"/staff/participants/{participant.pk}/{path}")
            for path in ("", "passed-on/", "records-request/", "case-management/", "reports/")
        ]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/staff/participants/{participant.pk}/passed-on/", new_partner)
        followed = client.get(f"/staff/participants/{participant.pk}/")
        participant.refresh_from_db()
        results.append(
            (
                [
                    (page.status_code, _normalise(page.content.decode(), participant))
                    for page in pages
                ],
                response.status_code,
                response["Location"].replace(str(participant.pk), "ID"),
                _shape(queries.captured_queries),
                _normalise(followed.content.decode(), participant),
                participant.partner_details_passed_on,
            )
        )
        for page in [*pages, response, followed]:
            for canary in CANARIES:
                assert canary not in page.content.decode()
    assert results[0] == results[1]
    assert results[0][-1] == 2
    assert "Partner details passed on (1). They are no longer held here." in results[0][4]


def test_register_page_and_submit_are_identical_with_and_without_linked_survivors(world) -> None:
    other_group = ProgrammeGroup.objects.create(name="Other group")
    twin_session = ProgrammeSessionFactory.create(
        group=other_group, starts_at=world.session.starts_at
    )
    twin_a = ParticipantFactory.create(reference="P-7101", group=other_group)
    twin_b = ParticipantFactory.create(reference="P-7102", group=other_group)
    client = sign_in(Client(), world.programme)

    def run(session, people):
        page = client.get(f"/staff/sessions/{session.pk}/").content.decode()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/staff/sessions/{session.pk}/",
                {f"mark_{people[0].pk}": "attended", f"mark_{people[1].pk}": "missed"},
                follow=True,
            )
        body = response.content.decode()
        for person in people:
            page = _normalise(page, person)
            body = _normalise(body, person)
        for old, new in (
            (session.group.name, "GROUP"),
            (f"/sessions/{session.pk}/", "/sessions/S/"),
            (f"/groups/{session.group_id}/", "/groups/G/"),
        ):
            page, body = page.replace(old, new), body.replace(old, new)
        return page, body, len(queries), response.status_code

    # world.session's group holds the linked participant; the twin group holds nobody linked.
    linked_run = run(world.session, [world.linked_participant, world.lone_participant])
    lone_run = run(twin_session, [twin_a, twin_b])
    assert linked_run == lone_run


def test_programme_worker_crawl_after_register_import_and_concern_finds_nothing(world) -> None:
    """The matrix crawl, after the programme worker has used every programme
    screen on the linked man: register, CSV import (preview and confirm),
    participant, status and concern."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .. import access_matrix as matrix
    from ..test_access_matrix import _crawl, programme_start_urls

    client = sign_in(Client(), world.programme)
    linked, lone = world.linked_participant, world.lone_participant
    csv_text = (
        "group,date,time,reference,mark\n"
        f"Thursday group,2026-11-05,18:30,{linked.reference},attended\n"
        f"Thursday group,2026-11-05,18:30,{lone.reference},late\n"
    )
    responses = [
        client.post(
            f"/staff/sessions/{world.session.pk}/",
            {f"mark_{linked.pk}": "missed", f"mark_{lone.pk}": "attended"},
            follow=True,
        ),
        client.post(
            "/staff/register/import/",
            {"file": SimpleUploadedFile("r.csv", csv_text.encode(), "text/csv")},
        ),
        client.post("/staff/register/import/confirm/", {"data": csv_text}, follow=True),
        client.post(
            f"/staff/participants/{linked.pk}/status/",
            {"status": "order_breached", "reason": "new offence"},
            follow=True,
        ),
        client.post(
            f"/staff/participants/{linked.pk}/concerns/",
            {"kind": "disclosed_abuse", "occurred_on": "2026-11-02", "urgency": "urgent"},
            follow=True,
        ),
    ]
    assert all(r.status_code == 200 for r in responses)
    pages = _crawl(client, programme_start_urls(world))
    crawled = set(pages)
    assert f"/staff/sessions/{world.session.pk}/" in crawled
    assert "/staff/register/import/" in crawled
    assert f"/staff/participants/{linked.pk}/" in crawled
    hits = []
    for response in [*pages.values(), *responses]:
        hits += matrix.canary_hits(response, CANARIES)
    assert hits == []
    programme_events_consume()  # the WSS side takes the programme's events in
    raised = Alert.objects.filter(
        survivor__participant=linked, kind__in=[Alert.Kind.STATUS_CHANGE, Alert.Kind.RISK_CONCERN]
    )
    # His start (his first mark, SPEC 6), the breach and the concern, raised
    # for both women's workers all the same.
    assert raised.count() == 6


# --- SPEC 6 (attendance): no attendance before a session starts; a mistaken mark can be cleared


def test_register_refuses_marks_before_the_session_starts(world) -> None:
    later_today = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(hours=2)
    )
    client = sign_in(Client(), world.programme)
    page = client.get(f"/staff/sessions/{later_today.pk}/").content.decode()
    assert "This session has not started yet" in page
    assert "Save register" not in page
    response = client.post(
        f"/staff/sessions/{later_today.pk}/",
        _register_post([world.linked_participant, world.lone_participant]),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "has not started yet. Attendance can be recorded from its start time" in body
    assert Attendance.objects.filter(session=later_today).count() == 0


def test_the_service_refuses_marks_before_the_session_starts(world) -> None:
    from programme.errors import RegisterError

    upcoming = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(RegisterError) as refused:
        records.attendance_register_submit(
            actor=world.programme,
            session=upcoming,
            marks={world.linked_participant.pk: "attended", world.lone_participant.pk: "missed"},
        )
    assert refused.value.code == "not_started"
    assert Attendance.objects.count() == 0


def test_a_mistaken_mark_is_cleared_from_the_register(world) -> None:
    client = sign_in(Client(), world.programme)
    linked, lone = world.linked_participant, world.lone_participant
    client.post(f"/staff/sessions/{world.session.pk}/", _register_post([linked, lone]))
    page = client.get(f"/staff/sessions/{world.session.pk}/").content.decode()
    assert f"Clear mark for {lone.reference}" in page

    response = client.post(
        f"/staff/sessions/{world.session.pk}/clear/", {"participant": lone.pk}, follow=True
    )
    assert response.status_code == 200
    assert f"Mark cleared for {lone.reference}" in response.content.decode()
    marks = dict(
        Attendance.objects.filter(session=world.session).values_list("participant_id", "mark")
    )
    assert marks == {linked.pk: "attended"}
    assert AuditEvent.objects.filter(action="session.mark_cleared", actor=world.programme).exists()
    # Clearing again says so plainly.
    again = client.post(
        f"/staff/sessions/{world.session.pk}/clear/", {"participant": lone.pk}, follow=True
    )
    assert "has no mark for this session" in again.content.decode()


def test_a_mark_recorded_too_early_can_be_cleared_and_a_manager_cannot_clear(world) -> None:
    upcoming = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=1)
    )
    # As the register used to allow before the fix.
    Attendance.objects.create(
        session=upcoming,
        participant=world.linked_participant,
        mark="attended",
        recorded_by=world.programme,
    )
    manager = sign_in(Client(), world.manager)
    refused = manager.post(
        f"/staff/sessions/{upcoming.pk}/clear/", {"participant": world.linked_participant.pk}
    )
    assert refused.status_code == 403
    client = sign_in(Client(), world.programme)
    page = client.get(f"/staff/sessions/{upcoming.pk}/").content.decode()
    assert "Marks recorded too early" in page
    client.post(
        f"/staff/sessions/{upcoming.pk}/clear/", {"participant": world.linked_participant.pk}
    )
    assert Attendance.objects.filter(session=upcoming).count() == 0


def test_the_status_reason_field_warns_that_it_is_shown_word_for_word(world) -> None:
    """SPEC 3 (his status, with the reason): the reason reaches others verbatim; the form
    now says so, next to the field, in the same words for every man (linked or not: SPEC 2)."""
    client = sign_in(Client(), world.programme)
    pages = [
        client.get(f"/staff/participants/{p.pk}/").content.decode()
        for p in (world.linked_participant, world.lone_participant)
    ]
    warning = "may be shown word for word outside the programme"
    for body in pages:
        assert warning in body
        field = re.search(r"<textarea[^>]*name=\"reason\"[^>]*>", body).group(0)
        described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        hint = re.search(rf'id="{described_by[0]}"[^>]*>([^<]*)<', body).group(1)
        assert warning in hint
    # Refused forms keep it too.
    refused = client.post(
        f"/staff/participants/{world.linked_participant.pk}/status/", {"status": "asleep"}
    )
    assert warning in refused.content.decode()


@pytest.mark.parametrize("hers", ["no_consent", "due", "answered", "missed"])
def test_programme_pages_and_sql_are_identical_whatever_her_check_points(world, hers) -> None:
    """SPEC 2, SPEC 14: the linked man's partner did not consent, or consented
    and has a check-point due, answered or missed; the other man has nobody.
    His pages, his status change (its statements too) and the page after it are
    the same; taken in on her side, his end makes her exit check-point."""
    import time_machine

    from survivors.models import CheckPoint, Survivor
    from survivors.services.check_points import check_points_sweep
    from survivors.services.lifecycle import case_state_change

    linked, lone = world.linked_participant, world.lone_participant
    her = world.survivor_a
    started = timezone.now() - timedelta(days=40)
    if hers != "no_consent":
        Survivor.objects.filter(pk=her.pk).update(outcomes_consent_at=started - timedelta(days=1))
    with time_machine.travel(started, tick=False):
        case_state_change(actor=world.wss_a, survivor=her, to_state="first_contact")
        case_state_change(actor=world.wss_a, survivor=her, to_state="active")
        for participant in (linked, lone):
            records.status_change_record(
                actor=world.programme, participant=participant, status="attending"
            )
        programme_events_consume()
    if hers == "answered":
        CheckPoint.objects.filter(survivor=her).update(
            state="answered", answered_at=timezone.now(), answered_by=world.wss_a
        )
    if hers == "missed":
        check_points_sweep()
    states = list(CheckPoint.objects.filter(survivor=her).values_list("state", flat=True))
    assert states == ([] if hers == "no_consent" else [hers])

    client = sign_in(Client(), world.programme)
    results = []
    with time_machine.travel(timezone.now(), tick=False):
        for participant in (linked, lone):
            pages = [
                client.get(f"/staff/participants/{participant.pk}/{path}")
                for path in ("", "records-request/", "case-management/", "reports/")
            ]
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    f"/staff/participants/{participant.pk}/status/",
                    {"status": "completed", "reason": "All sessions attended"},
                )
            followed = client.get(f"/staff/participants/{participant.pk}/")
            results.append(
                (
                    [(p.status_code, _normalise(p.content.decode(), participant)) for p in pages],
                    response.status_code,
                    response.get("Location", "").replace(str(participant.pk), "ID"),
                    _shape(queries.captured_queries),
                    _normalise(followed.content.decode(), participant),
                )
            )
    assert results[0] == results[1]
    assert results[0][1] == 302  # his change was saved
    programme_events_consume()
    stages = set(CheckPoint.objects.filter(survivor=her).values_list("stage", flat=True))
    assert stages == (set() if hers == "no_consent" else {"intake", "exit"})
