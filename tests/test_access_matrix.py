"""SPEC 2 held over every URL the project serves, for every role."""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from contacts.encryption import phone_hash
from programme.models import Attendance, AttendanceMark
from programme.services import casework, records, records_request
from survivors.models import ProgrammeItem, Referral
from survivors.services.events import programme_events_consume
from survivors.services.programme_items import (
    programme_item_record_shared,
    programme_item_show_in_portal,
)

from . import access_matrix as matrix
from .conftest import (
    CANARIES,
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_NATIONAL,
    CANARY_PORTAL_NOTE,
    CANARY_SHARED_NOTE,
    client_for,
    sign_in,
    without_csrf_token,
)
from .figures import record
from .partner_referral_states import REFERRAL_STATES, pass_on_a_partner, put_referral_in_state

if TYPE_CHECKING:
    from .access_matrix import TestResponse

MATRIX_FIGURES: dict[str, int] = {}


def _ids(world) -> dict[str, int]:
    # Staff side (SPEC 3): an alert on survivor A's case, a staff account for the
    # manager's screens to act on (never one of the matrix roles: a reset must not
    # sign a role out mid-matrix). get_or_create: _ids() is called more than once.
    from contacts.models import User
    from survivors.models import Alert

    alert, _ = Alert.objects.get_or_create(
        survivor=world.survivor_a, kind=Alert.Kind.OTHER_REPLY, urgent=False
    )
    # Her casework (SPEC 9): the checklist on survivor A's case (the world's).
    from survivors.models import RiskAssessment

    assessment = RiskAssessment.objects.filter(survivor=world.survivor_a).first()
    target, _ = User.objects.get_or_create(
        username="matrix-target", defaults={"kind": User.Kind.STAFF}
    )
    return {
        "item_id": _item_of_survivor_a(world).pk,
        "info_session_id": _information_session(world).pk,
        "session_id": world.session.pk,
        "alert_id": alert.pk,
        "assessment_id": assessment.pk,
        "absence_id": 999999,
        "user_id": target.pk,
        "group_id": world.group.pk,
        "participant_id": world.linked_participant.pk,
        "case_id": world.survivor_a.pk,
        "page_view_restriction_id": 999999,
        "page_id": 999999,
        "restriction_id": 999999,
        "records_request_id": _records_request_of_linked_man(world).pk,
        "concern_id": _concern_of_linked_man(world).pk,
        **_breach_and_access_alert_ids(world, target),
        # Referrals and first contact (SPEC 13): a referral waiting for triage.
        "referral_id": _waiting_referral(world).pk,
        # Outcomes, with her consent (SPEC 14): one question for the manager's page.
        "question_id": _outcome_question().pk,
        # Outcomes, with her consent (SPEC 14): a due check-point on survivor A's
        # case, she having agreed.
        "check_point_id": _due_check_point(world).pk,
    }


def _due_check_point(world):
    from django.utils import timezone

    from survivors.models import CheckPoint, Survivor

    Survivor.objects.filter(pk=world.survivor_a.pk).update(outcomes_consent_at=timezone.now())
    check_point, _ = CheckPoint.objects.get_or_create(
        survivor=world.survivor_a,
        stage=CheckPoint.Stage.INTAKE,
        defaults={"due_at": timezone.now()},
    )
    return check_point


def _waiting_referral(world):
    from survivors.models import Referral, ReferralSource

    referral, _ = Referral.objects.get_or_create(
        source=ReferralSource.POLICE,
        state=Referral.State.WAITING,
        defaults={"known_as": "Matrix Referral", "recorded_by": world.manager},
    )
    return referral


def _breach_and_access_alert_ids(world, target) -> dict[str, int]:
    """Who read her record, breaches (SPEC 12): a breach in the register and an
    access alert on survivor A's case, for the manager's pages."""
    from django.utils import timezone

    from contacts.models import Breach
    from survivors.models import AccessAlert

    now = timezone.now()
    breach, _ = Breach.objects.get_or_create(
        people_affected=1,
        defaults={
            "occurred_at": now,
            "discovered_at": now,
            "data_involved": "x",
            "recorded_by": world.manager,
        },
    )
    alert, _ = AccessAlert.objects.get_or_create(
        kind=AccessAlert.Kind.UNFITTING,
        account=target,
        survivor_id=world.survivor_a.pk,
        defaults={"hour": now},
    )
    return {"breach_id": breach.pk, "access_alert_id": alert.pk}


def _concern_of_linked_man(world):
    """A risk concern on the linked man's record, not yet told to him (SPEC 12)."""
    from datetime import date

    from programme.models import RiskConcern

    concern, _ = RiskConcern.objects.get_or_create(
        participant=world.linked_participant,
        kind=RiskConcern.Kind.OTHER,
        occurred_on=date(2026, 1, 5),
        urgency=RiskConcern.Urgency.ROUTINE,
        author=world.programme,
    )
    return concern


def _records_request_of_linked_man(world):
    """His records request (SPEC 12), recorded by the programme worker and built."""
    from django.utils import timezone

    from programme.models import ParticipantRecordsRequest
    from programme.services.records_request import (
        participant_records_export_build,
        participant_records_request_record,
    )

    found = ParticipantRecordsRequest.objects.filter(
        participant=world.linked_participant, state="ready"
    ).first()
    if found is None:
        found = participant_records_request_record(
            actor=world.programme,
            participant=world.linked_participant,
            received_on=timezone.localdate(),
        )
        participant_records_export_build(records_request_id=found.pk)
    return found


def _item_of_survivor_a(world):
    """A report from the programme on survivor A's case (SPEC 10), made once."""
    from programme.services.casework import report_attach
    from survivors.models import ProgrammeItem
    from survivors.services.events import programme_events_consume

    item = ProgrammeItem.objects.filter(survivor=world.survivor_a).first()
    if item is None:
        report_attach(
            actor=world.programme,
            participant=world.linked_participant,
            kind="assessment",
            text="He was assessed.\n\nHe starts in the new year.",
        )
        programme_events_consume()
        item = ProgrammeItem.objects.get(survivor=world.survivor_a)
    return item


def _information_session(world):
    """An information session the programme worker attends, survivor A invited."""
    from datetime import timedelta

    from django.utils import timezone

    from survivors.models import InformationSession
    from survivors.services.info_sessions import info_session_create, invitation_send

    session = InformationSession.objects.first()
    if session is None:
        session = info_session_create(
            actor=world.manager,
            starts_at=timezone.now() + timedelta(days=7),
            place="Room 2, the library",
            capacity=10,
            programme_worker=world.programme,
        )
        invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    return session


def test_every_url_pattern_has_a_row_in_the_matrix() -> None:
    assert matrix.unlisted_patterns() == []


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_role_gets_the_expected_answer_on_every_url(world, role: str) -> None:
    """One test per role (each with its own world), so pytest-xdist can spread
    the matrix over its processes; the figures add up over the roles."""
    ids = _ids(world)
    routes = list(matrix.iter_patterns())
    failures: list[str] = []
    leaks: list[str] = []
    checked = 0
    client = client_for(role, world)
    for route in routes:
        entry = matrix.entry_for(route)
        expected = entry.expected[role]
        if expected == matrix.DELEGATED:
            continue
        path = matrix.example_path(route, entry, ids)
        response = (
            client.generic(entry.method, path)
            if entry.method != "POST"
            else (client.post(path, entry.data))
        )
        got = matrix.classify(response)
        checked += 1
        if got != expected:
            failures.append(f"{role:<11} {entry.method} {path}: expected {expected}, got {got}")
        if role in matrix.PERPETRATOR_SIDE:
            leaks += [f"{path}: {hit}" for hit in matrix.canary_hits(response, CANARIES)]
        if entry.logs_out:
            client = client_for(role, world)
        # The same page with its search, filter, sort and page parameters.
        for query in entry.queries:
            response = client.generic(entry.method, f"{path}?{query}")
            got = matrix.classify(response)
            checked += 1
            if got != expected:
                failures.append(f"{role:<11} {path}?{query}: expected {expected}, got {got}")
            if role in matrix.PERPETRATOR_SIDE:
                leaks += [
                    f"{path}?{query}: {hit}" for hit in matrix.canary_hits(response, CANARIES)
                ]
    delegated = 0
    for prefix, door in matrix.FRONT_DOORS.items():
        if matrix.PREFIX_TABLE[prefix].expected[role] == matrix.DELEGATED:
            delegated += 1
            response = client.get(door)
            checked += 1
            if response.status_code != 200:
                failures.append(f"{role} GET {door}: expected 200, got {response.status_code}")
    MATRIX_FIGURES["pairs"] = MATRIX_FIGURES.get("pairs", 0) + checked
    MATRIX_FIGURES["unexpected"] = MATRIX_FIGURES.get("unexpected", 0) + len(failures)
    record("access matrix: URL x role pairs checked", checked)
    record("access matrix: unexpected answers", len(failures))
    record("canary hits on programme-side pages (matrix)", len(leaks))
    assert failures == [], "\n".join(failures)
    assert leaks == []
    # Every route this role has an answer for was asked, and every front door.
    listed = sum(
        1 + len(matrix.entry_for(route).queries)
        for route in routes
        if matrix.entry_for(route).expected[role] != matrix.DELEGATED
    )
    assert checked == listed + delegated


def test_the_matrix_covers_every_role_on_most_urls() -> None:
    """What the single matrix test asserted over all roles at once: well over
    five answers per URL pattern in all (each role's test checks its own)."""
    routes = list(matrix.iter_patterns())
    answered = sum(
        1
        for role in matrix.ROLES
        for route in routes
        if matrix.entry_for(route).expected[role] != matrix.DELEGATED
    )
    assert answered > len(routes) * 5


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, TestResponse]:
    seen: dict[str, TestResponse] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in matrix.links_in(response.content.decode()):
            link = link.split("#")[0]
            if not link.startswith("/") or link.startswith(("/leave/", "/static/")):
                continue
            if link.startswith("/staff/logout/"):
                continue
            queue.append(link)
    return seen


def programme_start_urls(world) -> list[str]:
    ids = _ids(world)
    urls = []
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        if entry.expected["programme"] == matrix.OK and entry.method == "GET":
            urls.append(matrix.example_path(route, entry, ids))
    return urls


def test_programme_worker_crawl_finds_no_survivor_data(world) -> None:
    client = sign_in(Client(), world.programme)
    # Act as a programme worker does: record things about the linked man.
    actions = [
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/status/",
            {"status": "suspended", "reason": "missed two sessions"},
            follow=True,
        ),
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/concerns/",
            {"kind": "threat", "occurred_on": "2026-11-01", "urgency": "urgent"},
            follow=True,
        ),
        # Partner details he named (SPEC 13), the canary's own: once saved they
        # leave, and nothing the programme side shows afterwards holds them.
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/passed-on/",
            {
                "occasion": "programme_intake",
                "person-TOTAL_FORMS": "3",
                "person-INITIAL_FORMS": "0",
                "person-0-known_as": CANARY_NAME,
                "person-0-phone": CANARY_PHONE_NATIONAL,
                "person-0-relationship": "ex",
                "person-0-safety_notes": CANARY_MESSAGE,
            },
            follow=True,
        ),
    ]
    assert Referral.objects.filter(phone_hash=phone_hash(CANARY_PHONE)).count() == 1
    pages = _crawl(client, programme_start_urls(world))
    assert f"/staff/participants/{world.linked_participant.pk}/passed-on/" in pages
    assert len(pages) >= 8
    hits = []
    for path, response in [*pages.items(), *(("POST", r) for r in actions)]:
        hits += [f"{path}: {hit}" for hit in matrix.canary_hits(response, CANARIES)]
    # His records export (SPEC 12), as downloaded, looked at inside: HTML and JSON.
    exports = {p: r for p, r in pages.items() if r.get("Content-Type") == "application/zip"}
    assert exports, "the crawl downloads the linked man's records export"
    for path, response in exports.items():
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert sorted(n.rsplit(".", 1)[1] for n in archive.namelist()) == ["html", "json"]
            for name in archive.namelist():
                text = archive.read(name).decode()
                hits += [f"{path} {name}: {canary}" for canary in CANARIES if canary in text]
    assert hits == []
    assert all(r.status_code == 200 for r in actions)


def _normalise(body: str, participant) -> str:
    body = body.replace(participant.reference, "REF")
    body = re.sub(rf"/participants/{participant.pk}/", "/participants/ID/", body)
    body = re.sub(r"/records-request/\d+/", "/records-request/ID/", body)
    return without_csrf_token(body)


@pytest.mark.parametrize("referral_state", REFERRAL_STATES)
def test_participant_pages_are_identical_with_and_without_linked_survivors(
    world, referral_state
) -> None:
    """SPEC 2; SPEC 13: each man named a partner, and the linked man's (the
    canary) is waiting, allocated, declined or joined; the other's waits."""
    linked, lone = world.linked_participant, world.lone_participant
    put_referral_in_state(world, pass_on_a_partner(world, linked, canary=True), referral_state)
    pass_on_a_partner(world, lone)
    for participant in (linked, lone):
        Attendance.objects.create(
            session=world.session,
            participant=participant,
            mark=AttendanceMark.ATTENDED,
            recorded_by=world.programme,
        )
        records.status_change_record(
            actor=world.programme, participant=participant, status="attending", reason="started"
        )
        # Monthly case management and a report (SPEC 10), then taken in on the
        # WSS side (items on both linked women's cases, shared with one of them).
        casework.case_entry_record(
            actor=world.programme, participant=participant, engagement="some", end_summary="ok"
        )
        casework.report_attach(
            actor=world.programme, participant=participant, kind="assessment", text="Assessed."
        )
        # His records request (SPEC 12), recorded and built.
        asked = records_request.participant_records_request_record(
            actor=world.programme, participant=participant, received_on=timezone.localdate()
        )
        records_request.participant_records_export_build(records_request_id=asked.pk)
    programme_events_consume()
    for item in ProgrammeItem.objects.filter(survivor=world.survivor_a):
        if item.report_id:
            programme_item_show_in_portal(
                actor=world.wss_a, item=item, paragraphs=[0], note=CANARY_PORTAL_NOTE
            )
        else:
            programme_item_record_shared(
                actor=world.wss_a,
                item=item,
                shared_on=item.received_at.date(),
                note=CANARY_SHARED_NOTE,
            )
    client = sign_in(Client(), world.programme)
    for page in ("", "case-management/", "reports/", "records-request/", "passed-on/"):
        first = client.get(f"/staff/participants/{linked.pk}/{page}")
        second = client.get(f"/staff/participants/{lone.pk}/{page}")
        assert first.status_code == second.status_code == 200
        assert _normalise(first.content.decode(), linked) == _normalise(
            second.content.decode(), lone
        )
        assert sorted(first.headers) == sorted(second.headers)
        assert matrix.canary_hits(first, CANARIES) == []


# --- The test of the test -----------------------------------------------------------


def test_matrix_notices_a_new_url_left_out_of_the_table(settings) -> None:
    settings.ROOT_URLCONF = "tests.leaky_urls"
    assert matrix.unlisted_patterns() == ["staff/leak/"]


@pytest.mark.urls("tests.leaky_urls")
def test_crawl_notices_a_page_that_leaks_a_canary(world) -> None:
    client = sign_in(Client(), world.programme)
    pages = _crawl(client, ["/staff/leak/"])
    hits = [hit for response in pages.values() for hit in matrix.canary_hits(response, CANARIES)]
    assert hits, "the crawl must catch a survivor's name on the programme side"


def _outcome_question():
    """Outcomes, with her consent (SPEC 14): a question for the manager's page."""
    from survivors.models import OutcomeQuestion

    question, _ = OutcomeQuestion.objects.get_or_create(
        position=999,
        defaults={"text": {"en-gb": "Matrix question"}, "scale_labels": {"en-gb": ["a", "b"]}},
    )
    return question
