"""Her subject access request (SPEC 12): everything held about her, nobody
else's, within a month, downloaded only by whoever recorded it, for 30 days."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from checkins.models import CheckIn, CheckInPlan, InboundMessage
from contacts import roles
from contacts.models import AuditAction, AuditEvent
from survivors.models import Message, SubjectAccessRequest
from survivors.selectors.subject_access import one_month_after, requests_due
from survivors.services import contact_log, disclosures
from survivors.services.second_passphrase import duress_passphrase_set
from survivors.services.subject_access import (
    subject_access_export_build,
    subject_access_exports_expire,
)

from ..checkins.conftest import celery_via_broker  # noqa: F401 - a fixture
from ..checkins.test_worker import live_worker, wait_for  # noqa: F401 - live_worker: a fixture
from ..conftest import (
    CANARY_CHECKLIST_NOTE,
    CANARY_CODE_WORD,
    CANARY_DISCLOSURE,
    CANARY_JUDGEMENT,
    CANARY_MESSAGE,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PLAN,
    CANARY_USERNAME,
    client_for,
    sign_in,
)
from ..factories import staff_user

CANARY_CONTACT_NOTE = "canary contact-log note 3307 bus stop"
CANARY_REPLY = "canary check-in reply 2208 kettle"
# Survivor B's own words: never in survivor A's export.
OTHER_CANARIES = (
    "Second Person",
    "survivor-b",
    "other woman's message 9941 orchard",
    "other woman's disclosure 5150 allotment",
    "other woman's contact note 6262 ferry",
)


def _page(case_id: int) -> str:
    return f"/staff/cases/{case_id}/records-request/"


def _record(client: Client, case_id: int, capture, **data: str):
    """Record a request; the export is built as the request commits (eager Celery)."""
    data.setdefault("received_on", timezone.localdate().isoformat())
    with capture(execute=True):
        return client.post(_page(case_id), data)


def _her_world(world) -> None:
    """Survivor A's canaries beyond the world's, and survivor B's own words."""
    her, other = world.survivor_a, world.survivor_b
    contact_log.contact_log_add(
        actor=world.wss_a, survivor=her, kind="call", outcome="spoke", note=CANARY_CONTACT_NOTE
    )
    disclosures.disclosure_record(
        actor=world.wss_a,
        survivor=her,
        agency="Housing office",
        basis="consent",
        details=CANARY_DISCLOSURE,
    )
    plan = CheckInPlan.objects.create(
        survivor=her, frequency="daily", send_at=datetime(2026, 1, 1, 10).time()
    )
    checkin = CheckIn.objects.create(
        plan=plan, survivor=her, due_at=timezone.now(), state="answered", reply="other"
    )
    InboundMessage.objects.create(
        message_sid="SM-canary", from_hash="x", body=CANARY_REPLY, survivor=her, checkin=checkin
    )
    Message.objects.create(
        survivor=other, author=other.user, from_survivor=True, body=OTHER_CANARIES[2]
    )
    disclosures.disclosure_record(
        actor=world.wss_other,
        survivor=other,
        agency="Housing office",
        basis="consent",
        details=OTHER_CANARIES[3],
    )
    contact_log.contact_log_add(
        actor=world.wss_other,
        survivor=other,
        kind="call",
        outcome="spoke",
        note=OTHER_CANARIES[4],
    )
    # A read of survivor B's case: never in survivor A's list of reads.
    client_for("wss_other", world).get(f"/staff/cases/{other.pk}/")


def _zip(response) -> tuple[str, dict]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert [name.rsplit(".", 1)[1] for name in names] == ["html", "json"]
    return archive.read(names[0]).decode(), json.loads(archive.read(names[1]))


def _download(client: Client, request: SubjectAccessRequest):
    return client.get(f"/staff/records-requests/{request.pk}/download/")


def test_her_export_holds_everything_about_her_and_nothing_of_anyone_else(
    world, django_capture_on_commit_callbacks
) -> None:
    _her_world(world)
    worker = client_for("wss_a", world)
    worker.get(f"/staff/cases/{world.survivor_a.pk}/")  # a read of her record
    response = _record(worker, world.survivor_a.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get(survivor=world.survivor_a)
    assert (request.state, request.progress, request.recorded_by) == ("ready", 100, world.wss_a)
    assert request.expires_at == request.built_at + timedelta(days=30)
    page = worker.get(_page(world.survivor_a.pk)).content.decode()
    assert "Ready to download" in page and "100%" in page

    download = _download(worker, request)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    html, data = _zip(download)
    text = json.dumps(data, ensure_ascii=False)
    for canary in (
        CANARY_NAME,
        CANARY_PHONE,
        CANARY_USERNAME,
        CANARY_CODE_WORD,
        CANARY_MESSAGE,
        CANARY_PLAN,
        CANARY_CHECKLIST_NOTE,
        CANARY_JUDGEMENT,
        CANARY_DISCLOSURE,
        CANARY_CONTACT_NOTE,
        CANARY_REPLY,
    ):
        assert canary in html, canary
        assert canary in text, canary
    for other in OTHER_CANARIES:
        assert other not in html and other not in text, other
    # Staff by role, never by name (the manager did not choose names); no hashes.
    assert "WSS worker" in html
    for name in (world.wss_a.username, world.wss_other.username, world.manager.username):
        assert name not in html and name not in text
    assert world.survivor_a.user.password not in text
    assert "pbkdf2" not in text and "argon2" not in text
    # Who read her record: her worker's reads of her case, and the manager's
    # allocations list that showed her name (a list is a read too); none of B's.
    reads = data["record_reads"]
    assert reads and {read["by"] for read in reads} == {"WSS worker", "Service manager"}
    assert "Case read" in {read["what"] for read in reads}
    assert AuditEvent.objects.filter(
        action=AuditAction.SURVIVOR_VIEW, survivor_id=world.survivor_b.pk
    ).exists()
    assert (
        len(reads)
        == AuditEvent.objects.filter(survivor_id=world.survivor_a.pk, actor__kind="staff")
        .exclude(at__gt=request.built_at)
        .count()
    )
    # SPEC 14's outcomes do not exist yet: a named, empty section.
    assert data["outcomes"] == []
    # Nothing of the programme she was not told: no item was shared with her.
    assert data["shared_updates"] == []


def test_the_document_is_in_her_language(world, django_capture_on_commit_callbacks) -> None:
    world.survivor_a.language = "cy"
    world.survivor_a.save()
    worker = client_for("wss_a", world)
    _record(worker, world.survivor_a.pk, django_capture_on_commit_callbacks)
    request = SubjectAccessRequest.objects.get(survivor=world.survivor_a)
    html, data = _zip(_download(worker, request))
    assert '<html lang="cy"' in html
    assert "Eich cofnodion" in html and "Negeseuon" in html  # "Your records", "Messages"
    assert CANARY_MESSAGE in html
    assert data["account"]["language"] == "cy"


def test_the_manager_may_name_staff_and_a_worker_may_not(
    world, django_capture_on_commit_callbacks
) -> None:
    worker = client_for("wss_a", world)
    assert "Name the staff" not in worker.get(_page(world.survivor_a.pk)).content.decode()
    manager = client_for("manager", world)
    response = _record(
        manager, world.survivor_a.pk, django_capture_on_commit_callbacks, staff_names="on"
    )
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get(survivor=world.survivor_a)
    assert request.staff_names and request.recorded_by == world.manager
    html, _data = _zip(_download(manager, request))
    name = world.wss_a.get_full_name() or world.wss_a.username
    assert f"{name} (WSS worker)" in html


def test_her_export_lists_her_referrals_without_the_man_or_the_referrers_notes(
    world, django_capture_on_commit_callbacks
) -> None:
    """SPEC 12 and 13: each referral on her case, with its source, when it came,
    what triage did and her own details as given; never the man it named, the
    referrer's own details or the referrer's safety notes (they may identify
    someone else). Nobody else's referral."""
    from survivors.models import Referral

    her, other = world.survivor_a, world.survivor_b
    decided = timezone.now() - timedelta(days=3)
    Referral.objects.create(
        source="police",
        source_detail="canary referrer DC Hollis ref 77/4410",
        received_at=timezone.now() - timedelta(days=4),
        participant=world.linked_participant,
        relationship="ex",
        known_as="canary referral name Jo",
        phone="+447700900777",
        safety_notes="canary safety note: his brother drives a red van",
        safe_days="1,3",
        safe_from=datetime(2026, 1, 1, 9).time(),
        safe_to=datetime(2026, 1, 1, 11).time(),
        voicemail_safe=False,
        state="allocated",
        survivor=her,
        decided_by=world.manager,
        decided_at=decided,
        decline_note="canary triage note about the household",
    )
    Referral.objects.create(
        source="health",
        known_as="other woman's referral 4321 quay",
        state="allocated",
        survivor=other,
        decided_at=decided,
    )
    worker = client_for("wss_a", world)
    _record(worker, her.pk, django_capture_on_commit_callbacks)
    html, data = _zip(_download(worker, SubjectAccessRequest.objects.get(survivor=her)))
    text = json.dumps(data, ensure_ascii=False)

    [referral] = data["referrals_received"]
    assert referral["source"] == "Police" and referral["relationship"] == "Ex-partner"
    assert referral["state"] == "New case allocated"
    assert referral["known_as"] == "canary referral name Jo"
    assert referral["phone"] == "+447700900777"
    assert referral["safe_days"] == ["Tuesday", "Thursday"]
    assert referral["voicemail_safe"] is False
    assert "Referrals to this service" in html and "canary referral name Jo" in html
    assert "Police (Ex-partner)" in html
    for withheld in (
        world.linked_participant.reference,
        "DC Hollis",
        "red van",
        "canary triage note",
        "other woman's referral",
    ):
        assert withheld not in html and withheld not in text, withheld


def test_a_second_request_while_one_is_being_made_is_refused(world) -> None:
    worker = client_for("wss_a", world)
    today = timezone.localdate().isoformat()
    # Not committed in this test's transaction, so the export stays waiting.
    assert worker.post(_page(world.survivor_a.pk), {"received_on": today}).status_code == 302
    response = worker.post(_page(world.survivor_a.pk), {"received_on": today})
    assert response.status_code == 400
    assert "already being prepared" in response.content.decode()
    assert SubjectAccessRequest.objects.filter(survivor=world.survivor_a).count() == 1
    # The status page reloads itself while the export is made.
    assert 'http-equiv="refresh"' in worker.get(_page(world.survivor_a.pk)).content.decode()


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        ("", "Enter the date she made the request."),
        ("not a date", "Enter the date as day, month and year."),
        ("2999-01-01", "cannot be in the future"),
    ],
)
def test_bad_dates_get_a_clear_message_and_nothing_is_recorded(
    world, received_on: str, message: str
) -> None:
    response = client_for("wss_a", world).post(
        _page(world.survivor_a.pk), {"received_on": received_on}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_who_may_record_and_who_may_download(world, django_capture_on_commit_callbacks) -> None:
    case = world.survivor_a.pk
    # Another worker, the programme side, comms: refused, as an unknown case is.
    for role in ("wss_other", "programme", "comms"):
        assert client_for(role, world).get(_page(case)).status_code in (403, 404), role
    assert client_for("manager", world).get(_page(999999)).status_code == 404
    assert client_for("wss_a", world).get(_page(world.survivor_b.pk)).status_code == 404
    worker = client_for("wss_a", world)
    _record(worker, case, django_capture_on_commit_callbacks)
    request = SubjectAccessRequest.objects.get(survivor=world.survivor_a)
    # Only whoever recorded it downloads it: the manager and others get a 404.
    for role in ("manager", "wss_other", "programme"):
        assert _download(client_for(role, world), request).status_code in (403, 404), role
    assert _download(worker, request).status_code == 200
    assert _download(worker, request).status_code == 200
    request.refresh_from_db()
    assert request.downloads == 2
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SUBJECT_ACCESS_DOWNLOAD,
            actor=world.wss_a,
            survivor_id=case,
            object_id=str(request.pk),
        ).count()
        == 2
    )


def test_a_duress_session_reaches_none_of_it(world, django_capture_on_commit_callbacks) -> None:
    """SPEC 4 (her second passphrase): the decoy session is a portal session,
    and no portal session reaches any staff page of this."""
    _record(client_for("wss_a", world), world.survivor_a.pk, django_capture_on_commit_callbacks)
    request = SubjectAccessRequest.objects.get()
    her = world.survivor_a
    her.user.set_password("her usual passphrase 1")
    her.user.save()
    duress_passphrase_set(
        survivor=her,
        passphrase="her second passphrase 2",
        current_passphrase="her usual passphrase 1",
    )
    client = Client()
    signed_in = client.post(
        "/", {"username": her.user.username, "passphrase": "her second passphrase 2"}
    )
    assert signed_in.status_code == 303
    for path in (
        _page(her.pk),
        f"/staff/records-requests/{request.pk}/download/",
        "/staff/records-requests/",
    ):
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        assert response.status_code != 302 or "/staff/login/" in response["Location"]
        assert b"PK" not in response.content[:2]


def test_the_export_expires_after_30_days(world, django_capture_on_commit_callbacks) -> None:
    worker = client_for("wss_a", world)
    _record(worker, world.survivor_a.pk, django_capture_on_commit_callbacks)
    request = SubjectAccessRequest.objects.get()
    stored = Path(settings.EXPORT_ROOT) / request.file_name
    assert stored.exists()
    assert CANARY_NAME.encode() not in stored.read_bytes()  # encrypted at rest
    with time_machine.travel(request.built_at + timedelta(days=30, minutes=1)):
        worker = client_for("wss_a", world)  # a fresh sign-in: sessions end long before
        response = _download(worker, request)
        assert response.status_code == 410
        assert "This download has expired" in response.content.decode()
        assert subject_access_exports_expire(now=timezone.now()) == 1
        assert subject_access_exports_expire(now=timezone.now()) == 0
    request.refresh_from_db()
    assert (request.state, request.file_name) == ("expired", "")
    assert not stored.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBJECT_ACCESS_EXPIRE, object_id=str(request.pk)
    ).exists()
    response = _download(worker, request)
    assert response.status_code == 410
    assert "This download has expired" in response.content.decode()
    # A new request may now be recorded.
    assert (
        _record(worker, world.survivor_a.pk, django_capture_on_commit_callbacks).status_code == 302
    )


def test_a_build_that_fails_says_so_and_keeps_no_file(world) -> None:
    request = SubjectAccessRequest.objects.create(
        survivor=world.survivor_a,
        received_on=timezone.localdate(),
        due_on=one_month_after(timezone.localdate()),
        recorded_by=world.wss_a,
    )
    before = (
        set(Path(settings.EXPORT_ROOT).glob("*")) if Path(settings.EXPORT_ROOT).exists() else set()
    )

    def broken(survivor, staff):
        raise RuntimeError("the check-ins could not be read")

    assert subject_access_export_build(request_id=request.pk, check_ins=broken) is False
    request.refresh_from_db()
    assert request.state == "failed" and not request.file_name
    after = (
        set(Path(settings.EXPORT_ROOT).glob("*")) if Path(settings.EXPORT_ROOT).exists() else set()
    )
    assert after == before
    page = client_for("wss_a", world).get(_page(world.survivor_a.pk)).content.decode()
    assert "Could not be built" in page


def test_the_deadline_is_one_calendar_month(world) -> None:
    assert one_month_after(date(2027, 1, 10)) == date(2027, 2, 10)
    assert one_month_after(date(2027, 1, 31)) == date(2027, 2, 28)
    assert one_month_after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert one_month_after(date(2027, 12, 15)) == date(2028, 1, 15)


def _at_noon(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())
    )


def test_the_deadline_shows_to_the_manager_and_on_the_duty_view_from_a_week_before(
    world, django_capture_on_commit_callbacks
) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)

    def duty_view() -> str:  # a fresh sign-in each day: sessions end long before
        return sign_in(Client(), duty).get("/staff/duty/").content.decode()

    with _at_noon(date(2027, 1, 10)):
        _record(client_for("wss_a", world), world.survivor_a.pk, django_capture_on_commit_callbacks)
        request = SubjectAccessRequest.objects.get()
        assert request.due_on == date(2027, 2, 10)
        listing = client_for("manager", world).get("/staff/records-requests/").content.decode()
        assert f"Case {world.survivor_a.pk}" in listing and "10 Feb 2027" in listing
    for day, shown in ((date(2027, 2, 2), False), (date(2027, 2, 3), True)):
        with _at_noon(day):
            assert (request in requests_due(today=day)) is shown
            assert ("10 Feb 2027" in duty_view()) is shown, day
    with _at_noon(date(2027, 2, 11)):
        assert "Overdue: 10 Feb 2027" in duty_view()
    # Answered (downloaded, before its 30 days run out): no longer due.
    with _at_noon(date(2027, 2, 5)):
        assert _download(client_for("wss_a", world), request).status_code == 200
        assert requests_due(today=date(2027, 2, 5)) == []
        assert "10 Feb 2027" not in duty_view()


@pytest.mark.worker
@pytest.mark.postgres_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("broker")
@pytest.mark.usefixtures("live_worker")
def test_a_real_worker_builds_the_export(world) -> None:
    """The same request, built by a real Celery worker through Redis, on
    PostgreSQL: the build writes its progress many times while this test reads
    it, which SQLite's shared in-memory test database answers with "table
    locked" (eager mode covers the SQLite run)."""
    worker = client_for("wss_a", world)
    response = worker.post(
        _page(world.survivor_a.pk), {"received_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get(survivor=world.survivor_a)
    wait_for(lambda: SubjectAccessRequest.objects.get(pk=request.pk).state == "ready")
    html, data = _zip(_download(worker, request))
    assert CANARY_NAME in html and data["case"]["known_as"] == CANARY_NAME
