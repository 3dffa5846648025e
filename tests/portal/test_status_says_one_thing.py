"""Her status page says one coherent thing, in her language (SPEC 4, 6, 11):
no marks beside "he has not started", the status explanation in her language
(or marked as English), dates as her language writes them, and a neutral note
when her worker has written to her."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cms.models import StatusExplanation
from programme.models import Attendance, Participant
from programme.services import records
from survivors.models import Message
from survivors.services.messages import message_send_from_worker
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in
from ..factories import ProgrammeSessionFactory

MARK_ROW = re.compile(r"<tr><td>[^<]+</td><td>[^<]+</td></tr>")
NOT_STARTED = "He has not started group sessions yet."


def _her_page(world, language: str | None = None) -> str:
    client = sign_in(Client(), world.survivor_a.user)
    if language:
        client.post("/language/", {"language": language})
    return client.get("/").content.decode()


def _marks_then(world, status: str) -> None:
    """Two marks on his register, then his status as it is now (marks saved
    directly: as a mark made before the register's rule, or a status set back)."""
    for weeks, mark in ((1, "attended"), (2, "missed")):
        Attendance.objects.create(
            session=ProgrammeSessionFactory.create(
                group=world.group, starts_at=timezone.now() - timedelta(weeks=weeks)
            ),
            participant=world.linked_participant,
            mark=mark,
            recorded_by=world.programme,
        )
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status=status
    )


@pytest.mark.parametrize("status", ["referred", "assessment"])
@pytest.mark.parametrize("marked", [True, False])
def test_before_he_starts_the_page_shows_no_marks(world, pages, status, marked) -> None:
    if marked:
        _marks_then(world, status)
    else:
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status=status
        )
    body = _her_page(world)
    assert NOT_STARTED in body
    assert not MARK_ROW.search(body) and "Attended" not in body and "Missed" not in body
    assert "No sessions recorded yet." not in body and "Next session" not in body


AFTER_HE_STARTS = {
    "attending": "Next session",
    "suspended": "He is not expected at group sessions while he is suspended.",
    "dropped_out": "He is no longer expected at group sessions.",
    "completed": "He has finished the course: there are no more sessions for him.",
    "order_breached": "He is not expected at group sessions at the moment.",
}


@pytest.mark.parametrize("status", AFTER_HE_STARTS)
def test_once_he_has_started_his_marks_show_with_what_comes_next(world, pages, status) -> None:
    _marks_then(world, status)
    body = _her_page(world)
    assert len(MARK_ROW.findall(body)) == 2
    assert AFTER_HE_STARTS[status] in body and NOT_STARTED not in body
    assert "No sessions" not in body


@pytest.mark.parametrize("status", AFTER_HE_STARTS)
def test_without_marks_the_page_never_promises_sessions_he_will_not_have(
    world, pages, status
) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status=status
    )
    body = _her_page(world)
    assert AFTER_HE_STARTS[status] in body and not MARK_ROW.search(body)
    # "Yet" only while more sessions are expected of him.
    expected = (
        "No sessions recorded yet." if status == "attending" else "No sessions are recorded here."
    )
    assert expected in body


def test_a_first_register_mark_turns_the_page_to_attending(world, pages) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="assessment"
    )
    records.attendance_register_submit(
        actor=world.programme,
        session=world.session,
        marks={world.linked_participant.pk: "attended", world.lone_participant.pk: "missed"},
    )
    body = _her_page(world)
    assert "Going to group sessions" in body and NOT_STARTED not in body
    assert len(MARK_ROW.findall(body)) == 1 and "Attended" in body


# --- The status explanation in her language (SPEC 11) --------------------------------


def test_she_reads_the_explanation_in_her_language_marked_as_such(world, pages) -> None:
    _marks_then(world, "attending")
    body = _her_page(world, "cy")
    welsh = StatusExplanation.objects.get(status="attending", locale__language_code="cy")
    assert welsh.heading in body and '<div lang="cy">' in body
    assert "What “attending” can mean for you" not in body
    assert "yn eich iaith chi eto" not in body  # no "not translated" note


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("cy", "Dydy’r rhan hon ddim ar gael yn eich iaith chi eto"),
        ("ur", "یہ حصہ ابھی آپ کی زبان میں دستیاب نہیں"),
    ],
)
def test_an_untranslated_explanation_is_english_marked_left_to_right(
    world, pages, language, note
) -> None:
    _marks_then(world, "attending")
    StatusExplanation.objects.filter(status="attending", locale__language_code=language).delete()
    body = _her_page(world, language)
    assert re.search(
        r'<div lang="en-gb" dir="ltr">\s*<h3>What “attending” can mean for you</h3>', body
    )
    assert note in body  # in her language, outside the English part


# --- Dates as her language writes them -----------------------------------------------


@pytest.mark.parametrize(
    ("language", "since"),
    [("en-gb", "7 December 2026"), ("cy", "7 Rhagfyr 2026"), ("pl", "7 grudnia 2026")],
)
def test_dates_use_the_month_form_her_language_uses(world, pages, language, since) -> None:
    _marks_then(world, "suspended")
    Participant.objects.filter(pk=world.linked_participant.pk).update(
        status_changed_at=timezone.make_aware(datetime(2026, 12, 7, 12))
    )
    assert since in _her_page(world, language)


# --- Her worker's new messages (SPEC 4: discreet) ------------------------------------


def _worker_writes(world, times: int = 1) -> None:
    for n in range(times):
        message_send_from_worker(
            worker=world.wss_a, survivor=world.survivor_a, body=f"Hello, reply {n}"
        )


def test_her_page_says_how_many_new_messages_until_she_reads_them(world, pages) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    assert 'id="new-messages"' not in client.get("/").content.decode()
    _worker_writes(world)
    body = client.get("/").content.decode()
    assert re.search(r'<a href="/messages/">\s*1 new message\s*</a>', body)
    _worker_writes(world)
    assert "2 new messages" in client.get("/").content.decode()
    client.get("/messages/")
    assert 'id="new-messages"' not in client.get("/").content.decode()


def test_the_new_message_note_is_in_her_language(world, pages) -> None:
    _worker_writes(world, times=3)
    assert "3 nowe wiadomości" in _her_page(world, "pl")


def test_a_message_hidden_from_her_is_not_counted(world, pages) -> None:
    _worker_writes(world)
    Message.objects.filter(survivor=world.survivor_a).update(hidden_for_survivor=True)
    assert 'id="new-messages"' not in _her_page(world)


def test_her_unlinked_account_still_says_her_worker_wrote(world, pages) -> None:
    world.survivor_a.participant = None
    world.survivor_a.save(update_fields=["participant"])
    _worker_writes(world)
    body = _her_page(world)
    assert "1 new message" in body and "There is nothing to show here yet." in body


def test_a_second_passphrase_session_shows_no_new_messages(world, pages) -> None:
    her = world.survivor_a
    duress_passphrase_set(
        survivor=her, passphrase="blue kettle morning", current_passphrase="a long passphrase 42"
    )
    _worker_writes(world)
    decoy = Client()
    decoy.post("/", {"username": her.user.username, "passphrase": "blue kettle morning"})
    body = decoy.get("/").content.decode()
    assert "There is nothing to show here yet." in body and "new message" not in body
    # ...and her messages stay unread for her real session.
    assert Message.objects.filter(survivor=her, from_survivor=False, read_at=None).count() == 1
