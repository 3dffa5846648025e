"""Her status page in plain Django (SPEC 4): the same few queries however long
his history is, always current after a change anywhere (nothing kept per
process), and her session ended server-side however it is stored."""

from __future__ import annotations

import gzip
import json
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from programme.models import Participant
from programme.services import records
from survivor_portal.settings.base import session_engine_for
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in
from ..factories import ProgrammeSessionFactory
from .test_pages import _with_history

CACHED_DB = "django.contrib.sessions.backends.cached_db"
CACHED_SESSION_PREFIX = "django.contrib.sessions.cached_db"


@pytest.fixture
def cached_sessions(settings):
    """Sessions read from the cache, as with CACHE_URL on Redis (one test
    process: its local-memory cache stands in for the shared one)."""
    settings.SESSION_ENGINE = CACHED_DB
    cache.clear()
    yield
    cache.clear()


def _queries_for_her_page(world, *, sessions: int) -> list[str]:
    _with_history(world, sessions=sessions, status="attending")
    client = sign_in(Client(), world.survivor_a.user)
    client.get("/")  # a person already signed in
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/").content.decode()
    # Attending, so every part of the page is there: status, explanation,
    # attendance and the next session (which he is expected at).
    assert "What “attending” can mean for you" in body and "Next session" in body
    return [query["sql"] for query in queries.captured_queries]


def test_her_status_page_costs_the_same_queries_whatever_his_history(world, pages) -> None:
    short = _queries_for_her_page(world, sessions=1)
    long = _queries_for_her_page(world, sessions=40)
    # Her session, her account, her record with his, his recent marks, the next
    # session, the topic's translations (when it names one), the explanation.
    assert len(long) == len(short) <= 7


def test_a_per_process_cache_never_holds_sessions() -> None:
    """Quick exit deletes the session from the database and from the cache of the
    process that served it; another process's local memory would keep it alive."""
    assert session_engine_for("django.core.cache.backends.locmem.LocMemCache").endswith(".db")
    assert session_engine_for("django.core.cache.backends.redis.RedisCache") == CACHED_DB


@pytest.mark.parametrize("leave", ["quick exit", "sign out"])
def test_leaving_ends_a_cached_session_server_side(world, pages, cached_sessions, leave) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    assert "His current status" in client.get("/").content.decode()
    key = client.session.session_key
    assert cache.get(CACHED_SESSION_PREFIX + key) is not None  # served from the cache
    if leave == "quick exit":
        client.get("/leave/")
    else:
        client.post("/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(CACHED_SESSION_PREFIX + key) is None
    # Someone who copied her cookie before she left gets the sign-in form.
    replay = Client()
    replay.cookies["sessionid"] = key
    body = replay.get("/").content.decode()
    assert 'name="passphrase"' in body and "His current status" not in body


@pytest.mark.parametrize("timeout", ["idle", "absolute"])
def test_timeouts_end_a_cached_session(world, pages, cached_sessions, settings, timeout) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    client.get("/")
    session = client.session
    key = session.session_key
    now = int(time.time())
    if timeout == "idle":
        session["last_seen"] = now - settings.SESSION_IDLE_TIMEOUT - 1
    else:
        session["started_at"] = now - settings.SESSION_ABSOLUTE_TIMEOUT - 1
    session.save()
    body = client.get("/", follow=True).content.decode()
    assert 'name="passphrase"' in body and "His current status" not in body
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(CACHED_SESSION_PREFIX + key) is None


def _draftail(text: str) -> str:
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def test_a_newly_published_explanation_shows_on_her_page_at_once(world, pages) -> None:
    from cms.models import StatusExplanation

    her = sign_in(Client(), world.survivor_a.user)
    assert "Read more about this" in her.get("/").content.decode()
    explanation = StatusExplanation.objects.get(
        status=world.linked_participant.status, locale__language_code="en-gb"
    )
    comms = sign_in(Client(), world.comms)
    response = comms.post(
        f"/editor/snippets/cms/statusexplanation/edit/{explanation.pk}/",
        {
            "status": explanation.status,
            "heading": "Fresh words from comms",
            "text": _draftail("Newly published today."),
            "more_page": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    body = her.get("/").content.decode()
    assert "Fresh words from comms" in body and "Newly published today." in body
    assert "Read more about this" not in body


def test_an_unpublished_page_leaves_her_explanation_at_once(world, pages) -> None:
    from cms.models import StatusExplanation

    explanation = StatusExplanation.objects.select_related("more_page").get(
        status=world.linked_participant.status, locale__language_code="en-gb"
    )
    her = sign_in(Client(), world.survivor_a.user)
    link = f'href="{explanation.more_page.url}"'
    assert link in her.get("/").content.decode()
    explanation.more_page.unpublish()
    assert "Read more about this" not in her.get("/").content.decode()


def test_her_pages_are_compressed_and_staff_pages_never(world, pages) -> None:
    her = sign_in(Client(), world.survivor_a.user)
    response = her.get("/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "His current status" in gzip.decompress(response.content).decode()
    staff = sign_in(Client(), world.wss_a)
    response = staff.get("/staff/caseload/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.postgres_redis
@pytest.mark.parametrize("leave", ["quick exit", "sign out"])
def test_leaving_ends_a_session_held_in_redis(world, pages, settings, leave) -> None:
    """The deployed shape: sessions read from Redis, shared by every process.
    After she leaves, no process can find the session: not in Redis (checked
    with a separate client, as another process would), not in the database."""
    import os

    import redis

    url = os.environ["CELERY_BROKER_URL"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-sessions",
        },
    }
    settings.SESSION_ENGINE = session_engine_for(settings.CACHES["default"]["BACKEND"])
    assert settings.SESSION_ENGINE == CACHED_DB
    other_process = redis.Redis.from_url(url)
    client = sign_in(Client(), world.survivor_a.user)
    assert "His current status" in client.get("/").content.decode()
    key = client.session.session_key
    redis_key = f"test-sessions:1:{CACHED_SESSION_PREFIX}{key}"
    assert other_process.exists(redis_key)
    if leave == "quick exit":
        client.get("/leave/")
    else:
        client.post("/sign-out/")
    assert not other_process.exists(redis_key)
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert 'name="passphrase"' in replay.get("/").content.decode()


# --- Always current: nothing of her page is kept between requests -----------------


def test_her_page_shows_a_new_mark_and_a_corrected_one_at_once(world, pages) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="attending"
    )
    her = sign_in(Client(), world.survivor_a.user)
    assert "No sessions recorded yet." in her.get("/").content.decode()
    programme = sign_in(Client(), world.programme)
    register = f"/staff/sessions/{world.session.pk}/"
    linked, lone = world.linked_participant.pk, world.lone_participant.pk
    programme.post(register, {f"mark_{linked}": "attended", f"mark_{lone}": "attended"})
    body = her.get("/").content.decode()
    assert "<td>Attended</td>" in body and "No sessions recorded yet." not in body
    # A correction changes the same mark (no new row): still shown at once.
    programme.post(register, {f"mark_{linked}": "missed", f"mark_{lone}": "attended"})
    body = her.get("/").content.decode()
    assert "<td>Missed</td>" in body and "<td>Attended</td>" not in body


def test_her_page_shows_a_status_change_at_once(world, pages) -> None:
    her = sign_in(Client(), world.survivor_a.user)
    her.get("/")
    programme = sign_in(Client(), world.programme)
    programme.post(
        f"/staff/participants/{world.linked_participant.pk}/status/",
        {"status": "suspended", "reason": "Missed two sessions in a row"},
    )
    body = her.get("/").content.decode()
    assert "Suspended: he cannot go to sessions for now" in body
    assert "Missed two sessions in a row" in body
    assert "What “suspended” can mean for you" in body
    programme.post(
        f"/staff/participants/{world.linked_participant.pk}/status/",
        {"status": "attending", "reason": "Back at group"},
    )
    body = her.get("/").content.decode()
    assert "Going to group sessions" in body and "Suspended" not in body
    assert "Back at group" in body and "Next session" in body


def test_her_page_shows_a_moved_next_session_at_once(world, pages) -> None:
    _with_history(world, sessions=1, status="attending")
    soon = timezone.localtime() + timedelta(days=3)
    soon = soon.replace(hour=18, minute=30, second=0, microsecond=0)
    upcoming = ProgrammeSessionFactory.create(group=world.group, starts_at=soon)
    her = sign_in(Client(), world.survivor_a.user)
    assert f"{soon:%A %-d %B %Y}" in her.get("/").content.decode()
    moved = soon + timedelta(days=1)
    upcoming.starts_at = moved
    upcoming.save()
    body = her.get("/").content.decode()
    assert f"{moved:%A %-d %B %Y}" in body and f"{soon:%A %-d %B %Y}" not in body


def test_her_page_shows_a_change_made_without_any_signal_at_once(world, pages) -> None:
    """A change no receiver hears of (a bulk update) shows at once: her page
    and its explanation are read afresh for every request."""
    from cms.models import StatusExplanation

    _with_history(world, status="attending")
    her = sign_in(Client(), world.survivor_a.user)
    assert "Missed two sessions in a row" in her.get("/").content.decode()
    Participant.objects.filter(pk=world.linked_participant.pk).update(
        status_reason="Moved to the Tuesday group"
    )
    StatusExplanation.objects.filter(status="attending").update(heading="Words changed in bulk")
    body = her.get("/").content.decode()
    assert "Moved to the Tuesday group" in body and "Missed two sessions" not in body
    assert "Words changed in bulk" in body


def test_her_page_follows_her_language(world, pages) -> None:
    """Dates are written in the language she chose, and back again."""
    _with_history(world, status="attending")
    her = sign_in(Client(), world.survivor_a.user)
    today = timezone.localtime()
    english = her.get("/").content.decode()
    her.post("/language/", {"language": "cy"})  # her choice, stored on her account
    welsh = her.get("/").content.decode()
    her.post("/language/", {"language": "en-gb"})
    again = her.get("/").content.decode()
    month = today.strftime("%B")
    with translation.override("cy"):
        welsh_month = translation.gettext(month)
    assert welsh_month != month
    assert f"Since {today:%-d %B %Y}" in english and f"Since {today:%-d %B %Y}" in again
    assert f"{welsh_month} {today:%Y}" in welsh and f"Since {today:%-d %B %Y}" not in welsh


def test_the_decoy_never_shows_his_news_after_her_real_page(world, pages) -> None:
    _with_history(world, status="attending")
    her = world.survivor_a
    duress_passphrase_set(
        survivor=her, passphrase="blue kettle morning", current_passphrase="a long passphrase 42"
    )
    real = Client()
    real.post("/", {"username": her.user.username, "passphrase": "a long passphrase 42"})
    assert "Going to group sessions" in real.get("/").content.decode()
    decoy = Client()
    decoy.post("/", {"username": her.user.username, "passphrase": "blue kettle morning"})
    body = decoy.get("/").content.decode()
    assert "There is nothing to show here yet." in body
    for shown in ("His current status", "Going to group sessions", "Recent sessions"):
        assert shown not in body
    # And the other way round: her real page is still her real page.
    assert "Going to group sessions" in real.get("/").content.decode()


def test_quick_exit_ends_the_session_her_page_was_served_from(world, pages) -> None:
    _with_history(world, status="attending")
    her = sign_in(Client(), world.survivor_a.user)
    assert "His current status" in her.get("/").content.decode()
    key = her.session.session_key
    her.get("/leave/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    body = replay.get("/").content.decode()
    assert 'name="passphrase"' in body and "His current status" not in body


def test_a_notice_shows_on_her_page_once(world, pages) -> None:
    _with_history(world, status="attending")
    her = sign_in(Client(), world.survivor_a.user)
    her.get("/")
    her.post("/settings/pause/", {"paused": "1"})  # its notice not yet read
    body = her.get("/").content.decode()
    assert "All contact is paused. Nobody will call or text you." in body
    assert "All contact is paused" not in her.get("/").content.decode()  # read once
