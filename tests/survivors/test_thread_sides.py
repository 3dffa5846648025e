"""Her worker's view of the message line (SPEC 4: messages) says in words who
wrote each message: her, or the member of staff by name (the duty worker's
reply in cover names whom she covered for); a message sent while signed in with
her second passphrase carries a labelled duress warning, not bold text."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from contacts import roles
from survivors.services import cover
from survivors.services import messages as messages_services

from ..conftest import CANARY_MESSAGE, sign_in
from ..factories import staff_user


def _messages(html: str) -> list[str]:
    """Each message of the thread as its own piece of the page, in order."""
    return html.split('<li class="message ')[1:]


def test_each_message_says_who_wrote_it_and_the_duress_one_is_flagged(world) -> None:
    world.wss_a.first_name, world.wss_a.last_name = "Alex", "Morgan"
    world.wss_a.save(update_fields=["first_name", "last_name"])
    messages_services.message_send_from_worker(
        worker=world.wss_a, survivor=world.survivor_a, body="Yes, Thursday after 10."
    )
    messages_services.message_send_from_survivor(
        survivor=world.survivor_a, body="Please stop calling.", under_duress=True
    )

    html = (
        sign_in(Client(), world.wss_a)
        .get(f"/staff/cases/{world.survivor_a.pk}/messages/")
        .content.decode()
    )
    hers, reply, duress = _messages(html)
    known_as = world.survivor_a.known_as

    assert hers.startswith("from-her")
    assert f"From her ({known_as})" in hers and CANARY_MESSAGE in hers
    assert "Warning: possible duress" not in hers

    assert reply.startswith("from-staff")
    assert "Reply from Alex Morgan" in reply and "Yes, Thursday after 10." in reply
    assert ">Worker," not in html  # no anonymous "Worker" label

    assert duress.startswith("from-her") and "Please stop calling." in duress
    assert '<p class="duress-flag" role="note"><strong>Warning: possible duress.</strong>' in duress
    assert "sent while signed in with her second passphrase" in duress


def test_a_reply_in_cover_names_the_duty_worker_and_whom_she_covered_for(world) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)
    today = timezone.localdate()
    absence = cover.absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=1)
    )
    messages_services.message_send_from_worker(
        worker=duty, survivor=world.survivor_a, body="Covering today."
    )
    cover.absence_end(actor=world.wss_a, absence=absence)
    html = (
        sign_in(Client(), world.wss_a)
        .get(f"/staff/cases/{world.survivor_a.pk}/messages/")
        .content.decode()
    )
    (reply,) = [part for part in _messages(html) if "Covering today." in part]
    assert "Reply from duty-dee, in cover for worker-a" in reply
