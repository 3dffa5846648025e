"""Information sessions (SPEC 10): the manager sets one up; each
worker invites women on her own caseload through their account (and the
optional neutral text); two partners of the same man are never invited to the
same session; she answers in her account; the programme worker attending sees
a head count only, and only once it is 5 or more; never names or who declined."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from checkins.models import OutboundMessage
from contacts import roles
from survivors.errors import InformationSessionError
from survivors.models import InformationSession, SafeContactWindow, SessionInvitation
from survivors.services import cases as cases_services
from survivors.services import info_sessions

from .. import access_matrix as matrix
from ..conftest import CANARIES, sign_in
from ..factories import staff_user, survivor_account


def _session(world, capacity: int = 10) -> InformationSession:
    return info_sessions.info_session_create(
        actor=world.manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2, the library",
        capacity=capacity,
        programme_worker=world.programme,
    )


def _women(world, count: int) -> list:
    """``count`` more women on worker A's caseload, none linked to a man."""
    women = []
    for n in range(count):
        her = survivor_account(username=f"extra-{n}", known_as=f"Extra Person {n}")
        cases_services.survivor_allocate(actor=world.manager, survivor=her, worker=world.wss_a)
        her.refresh_from_db()
        women.append(her)
    return women


def test_the_manager_sets_up_a_session_and_bad_input_is_refused(world) -> None:
    client = sign_in(Client(), world.manager)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {
        "date": day,
        "time": "18:00",
        "place": "Online: the link is sent the day before",
        "capacity": "12",
        "programme_worker": str(world.programme.pk),
    }
    refused = client.post("/staff/info-sessions/new/", {**data, "programme_worker": world.wss_a.pk})
    assert refused.status_code == 400
    past = client.post("/staff/info-sessions/new/", {**data, "date": "2020-01-01"})
    assert past.status_code == 400
    assert "Choose a date and time in the future." in past.content.decode()
    assert InformationSession.objects.count() == 0
    response = client.post("/staff/info-sessions/new/", data, follow=True)
    assert "Session set up." in response.content.decode()
    assert "Online: the link is sent the day before" in response.content.decode()
    assert InformationSession.objects.get().capacity == 12


def test_two_partners_of_the_same_man_are_never_invited_to_the_same_session(world) -> None:
    session = _session(world)
    a = sign_in(Client(), world.wss_a)
    invited = a.post(
        f"/staff/info-sessions/{session.pk}/", {"case": world.survivor_a.pk}, follow=True
    )
    assert "Invitation sent to her account." in invited.content.decode()
    b = sign_in(Client(), world.wss_other)
    refused = b.post(f"/staff/info-sessions/{session.pk}/", {"case": world.survivor_b.pk})
    assert refused.status_code == 400
    assert "Someone linked to the same man is already invited" in refused.content.decode()
    assert list(SessionInvitation.objects.values_list("survivor_id", flat=True)) == [
        world.survivor_a.pk
    ]
    # Worker B sees none of A's invitees; a case that is not hers cannot be chosen.
    page = b.get(f"/staff/info-sessions/{session.pk}/").content.decode()
    assert world.survivor_a.known_as not in page
    other = b.post(f"/staff/info-sessions/{session.pk}/", {"case": world.survivor_a.pk})
    assert other.status_code == 400
    assert SessionInvitation.objects.count() == 1
    # A second session is fine for her.
    second = _session(world)
    assert (
        b.post(f"/staff/info-sessions/{second.pk}/", {"case": world.survivor_b.pk}).status_code
        == 302
    )


def test_invitations_are_refused_when_full_paused_or_twice(world) -> None:
    session = _session(world, capacity=1)
    info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    with pytest.raises(InformationSessionError) as twice:
        info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    assert twice.value.code == "already_invited"
    [extra] = _women(world, 1)
    with pytest.raises(InformationSessionError) as full:
        info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=extra)
    assert full.value.code == "full"
    extra.contact_paused = True
    extra.save()
    with pytest.raises(InformationSessionError) as paused:
        info_sessions.invitation_send(actor=world.wss_a, session=_session(world), survivor=extra)
    assert paused.value.code == "contact_paused"


def test_her_invitation_shows_in_her_account_and_she_answers_there(world) -> None:
    session = _session(world)
    info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    her = sign_in(Client(), world.survivor_a.user)
    page = her.get("/notes/").content.decode()
    assert "An invitation to a meeting" in page and "Room 2, the library" in page
    invitation = SessionInvitation.objects.get()
    answered = her.post("/notes/", {"invitation": invitation.pk, "answer": "yes"}, follow=True)
    assert "Thank you. Your answer is saved." in answered.content.decode()
    assert "You said you are coming." in answered.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == "yes" and invitation.answered_at is not None
    # Survivor B cannot answer A's invitation: the same answer as for none at all.
    other = sign_in(Client(), world.survivor_b.user)
    refused = other.post("/notes/", {"invitation": invitation.pk, "answer": "no"})
    assert refused.status_code == 400
    assert "That invitation is no longer open." in refused.content.decode()
    assert her.post("/notes/", {"invitation": "x", "answer": "yes"}).status_code == 400
    invitation.refresh_from_db()
    assert invitation.answer == "yes"
    # Her worker sees the answer.
    worker = sign_in(Client(), world.wss_a).get(f"/staff/info-sessions/{session.pk}/")
    assert (
        f"Case {world.survivor_a.pk}: {world.survivor_a.known_as}: Coming"
        in worker.content.decode()
    )


def test_the_neutral_text_goes_only_if_she_opted_in_and_inside_her_safe_times(world) -> None:
    her = world.survivor_a
    her.sms_nudges = True
    her.save()
    SafeContactWindow.objects.create(survivor=her, weekday=0, starts_at=time(9), ends_at=time(10))
    info_sessions.invitation_send(actor=world.wss_a, session=_session(world), survivor=her)
    nudge = OutboundMessage.objects.get(survivor=her, kind=OutboundMessage.Kind.NUDGE)
    assert nudge.next_attempt_at.astimezone(ZoneInfo("Europe/London")).weekday() == 0
    assert "session" not in nudge.body.lower()
    # Survivor B did not opt in: nothing queued for her.
    info_sessions.invitation_send(
        actor=world.wss_other, session=_session(world), survivor=world.survivor_b
    )
    assert not OutboundMessage.objects.filter(survivor=world.survivor_b).exists()


def test_the_programme_worker_sees_fewer_than_5_then_the_head_count_and_never_names(world) -> None:
    session = _session(world)
    women = _women(world, 5)
    for her in women:
        info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=her)
    info_sessions.invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    client = sign_in(Client(), world.programme)
    for n, her in enumerate(women[:4]):
        info_sessions.invitation_answer(
            survivor=her, invitation_id=her.invitations.get().pk, coming=True
        )
        page = client.get("/staff/info-sessions/").content.decode()
        assert "Fewer than 5 women are coming so far." in page, n
    info_sessions.invitation_answer(
        survivor=world.survivor_a,
        invitation_id=world.survivor_a.invitations.get().pk,
        coming=False,
    )
    page = client.get("/staff/info-sessions/").content.decode()
    assert "Fewer than 5 women are coming so far." in page  # a "no" changes nothing he sees
    info_sessions.invitation_answer(
        survivor=women[4], invitation_id=women[4].invitations.get().pk, coming=True
    )
    response = client.get("/staff/info-sessions/")
    body = response.content.decode()
    assert "5 women are coming." in body
    for her in [*women, world.survivor_a]:
        assert her.known_as not in body
    assert matrix.canary_hits(response, CANARIES) == []
    assert "declin" not in body.lower() and "not coming" not in body.lower()
    assert client.get(f"/staff/info-sessions/{session.pk}/").status_code == 403


def test_another_programme_worker_does_not_see_the_session(world) -> None:
    _session(world)
    other = staff_user(roles.PROGRAMME_WORKER, username="prog-other")
    page = sign_in(Client(), other).get("/staff/info-sessions/").content.decode()
    assert "Room 2, the library" not in page
