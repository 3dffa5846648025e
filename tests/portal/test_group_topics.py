"""What he is working on (SPEC 10): comms staff write the group
topics in the editor, a session may name one, and her status page says what
the group covers next, linked to the page about it, in her language where
comms staff have translated it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale

from contacts.models import AuditEvent
from programme.models import ProgrammeModule, ProgrammeSession
from programme.services import records
from survivors.models import Survivor

from ..conftest import sign_in
from ..factories import ProgrammeSessionFactory
from .test_pages import _with_history

HEADING = "What the group covers next"


def _topic(name: str = "Respect and equality") -> ProgrammeModule:
    return ProgrammeModule.objects.get(name=name, locale=Locale.get_default())


def _next_sessions(world, *topics: ProgrammeModule | None) -> list[ProgrammeSession]:
    """Upcoming sessions of his group, a week apart, each naming its topic."""
    return [
        ProgrammeSessionFactory.create(
            group=world.group, starts_at=timezone.now() + timedelta(days=3 + 7 * i), module=topic
        )
        for i, topic in enumerate(topics)
    ]


def test_her_page_says_what_the_group_covers_next_with_a_link(world, pages) -> None:
    _next_sessions(world, _topic("Handling conflict"), _topic("Being a parent"))
    _with_history(world, status="attending")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert HEADING in body
    assert 'href="/pages/what-the-group-covers/" dir="auto">Handling conflict</a>' in body
    assert "Warning signs, stopping, and taking time out." in body
    # Only the next session's topic: not the one after.
    assert "Being a parent" not in body


def test_no_topic_line_when_the_next_session_names_none(world, pages) -> None:
    _next_sessions(world, None, _topic())
    _with_history(world, status="attending")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Next session" in body
    assert HEADING not in body and "Respect and equality" not in body


@pytest.mark.parametrize("status", ["suspended", "dropped_out", "completed"])
def test_no_topic_when_he_is_not_expected_at_sessions(world, pages, status) -> None:
    _next_sessions(world, _topic())
    _with_history(world, status=status)
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert HEADING not in body and "Respect and equality" not in body


def test_a_topic_set_or_changed_shows_on_her_next_visit(world, pages) -> None:
    """Her page's rendered news is cached by everything it is made from: the
    topic is part of that, so a change shows at once."""
    (upcoming,) = _next_sessions(world, None)
    _with_history(world, status="attending")
    her = sign_in(Client(), world.survivor_a.user)
    assert HEADING not in her.get("/").content.decode()
    records.session_topic_set(actor=world.programme, session=upcoming, module=_topic())
    assert "Respect and equality" in her.get("/").content.decode()
    records.session_topic_set(
        actor=world.programme, session=upcoming, module=_topic("Being a parent")
    )
    body = her.get("/").content.decode()
    assert "Being a parent" in body and "Respect and equality" not in body


def test_a_topic_unpublished_page_leaves_the_name_without_a_link(world, pages) -> None:
    topic = _topic()
    _next_sessions(world, topic)
    _with_history(world, status="attending")
    topic.page.specific.unpublish()
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert '<span dir="auto">Respect and equality</span>' in body
    assert "/pages/what-the-group-covers/" not in body


def test_the_topic_in_her_language_or_else_the_default(world, pages) -> None:
    topic = _topic()
    _next_sessions(world, topic)
    _with_history(world, status="attending")
    welsh = topic.copy_for_translation(Locale.objects.get(language_code="cy"))
    welsh.name = "Parch a chydraddoldeb"
    welsh.summary = "Rhannu penderfyniadau, arian ac amser gartref."
    welsh.save()
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="cy")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Beth fydd y grŵp yn ei drafod nesaf" in body
    assert "Parch a chydraddoldeb" in body and "Respect and equality" not in body
    # No Polish translation: the default language's words, under her heading.
    Survivor.objects.filter(pk=world.survivor_a.pk).update(language="pl")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Czym grupa zajmie się na następnym spotkaniu" in body
    assert "Respect and equality" in body


def test_the_page_with_a_topic_stays_within_its_queries(
    world, pages, django_assert_max_num_queries
) -> None:
    _next_sessions(world, _topic())
    _with_history(world, status="attending")
    client = sign_in(Client(), world.survivor_a.user)
    client.get("/")
    # As every status page (tests/portal/test_status_speed.py), with the topic.
    with django_assert_max_num_queries(7):
        body = client.get("/").content.decode()
    assert "Respect and equality" in body


def test_the_programme_worker_sets_and_changes_a_sessions_topic(world, pages) -> None:
    worker = sign_in(Client(), world.programme)
    day = (timezone.localtime() + timedelta(days=5)).date()
    response = worker.post(
        f"/staff/groups/{world.group.pk}/sessions/new/",
        {"date": day.isoformat(), "time": "18:30", "location": "Room 2", "module": _topic().pk},
    )
    assert response.status_code == 302
    session = ProgrammeSession.objects.get(group=world.group, starts_at__date=day)
    assert session.module == _topic()
    register = worker.get(f"/staff/sessions/{session.pk}/").content.decode()
    assert "Topic: Respect and equality" in register
    group_page = worker.get(f"/staff/groups/{world.group.pk}/").content.decode()
    assert "<td>Respect and equality</td>" in group_page

    page = worker.post(
        f"/staff/sessions/{session.pk}/topic/", {"module": _topic("Being a parent").pk}, follow=True
    ).content.decode()
    assert "Topic set: Being a parent." in page and "Topic: Being a parent" in page
    assert AuditEvent.objects.filter(action="session.topic", object_id=str(session.pk)).exists()
    page = worker.post(
        f"/staff/sessions/{session.pk}/topic/", {"module": ""}, follow=True
    ).content.decode()
    assert "Topic removed." in page and "Topic: none set" in page


def test_a_topic_that_is_not_offered_is_refused_and_nothing_changes(world, pages) -> None:
    (session,) = _next_sessions(world, _topic())
    welsh = _topic().copy_for_translation(Locale.objects.get(language_code="cy"))
    welsh.save()
    worker = sign_in(Client(), world.programme)
    for value in (welsh.pk, 999999, "nonsense"):
        page = worker.post(
            f"/staff/sessions/{session.pk}/topic/", {"module": value}, follow=True
        ).content.decode()
        assert "That topic is no longer available. Choose one from the list." in page
    session.refresh_from_db()
    assert session.module == _topic()


def test_only_the_programme_worker_sets_topics(world, pages) -> None:
    (session,) = _next_sessions(world, None)
    for user in (world.wss_a, world.comms, world.manager):
        response = sign_in(Client(), user).post(
            f"/staff/sessions/{session.pk}/topic/", {"module": _topic().pk}
        )
        assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.module is None
