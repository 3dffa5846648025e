"""Shared fixtures, composed from small to large."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, sync_playwright

from contacts import roles
from contacts.models import User
from survivors.models import Survivor
from survivors.services import cases as cases_services

from .factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make browser` installs it)

# Values that must never appear on the programme side (SPEC 2).
CANARY_NAME = "Canarywoman Zephyrine"
CANARY_PHONE = "+447700900987"
CANARY_PHONE_NATIONAL = "07700 900987"
CANARY_USERNAME = "canary-zephyr"
CANARY_MESSAGE = "canary message body 7431 lighthouse"
CANARY_CODE_WORD = "marmalade-canary"
# What the WSS side writes about items from the programme (SPEC 10): her
# worker's note on sharing, her note in the portal, a disclosure's details.
CANARY_SHARED_NOTE = "canary shared-note 5521 over the phone"
CANARY_PORTAL_NOTE = "canary portal-note 6630 call me after"
CANARY_DISCLOSURE = "canary disclosure 7712 she agreed on"
# Her casework (SPEC 9): a checklist note and a judgement reason on her case.
CANARY_CHECKLIST_NOTE = "canary checklist note 5519 harbour"
CANARY_JUDGEMENT = "canary judgement 8823 lantern"
CANARY_PLAN = "canary plan step 4471 meadow"
CANARIES = [
    CANARY_SHARED_NOTE,
    CANARY_PORTAL_NOTE,
    CANARY_DISCLOSURE,
    CANARY_PLAN,
    CANARY_CHECKLIST_NOTE,
    CANARY_JUDGEMENT,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PHONE_NATIONAL,
    CANARY_USERNAME,
    CANARY_MESSAGE,
    CANARY_CODE_WORD,
]


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this mark; named here too so that the suite also
    # runs in one process without it (`pytest -p no:xdist`).
    config.addinivalue_line(
        "markers", "xdist_group(name): run in one process with --dist loadgroup"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, then seeded once for the whole session
    (STYLE.md, "Seed once, read many"): every test reads the same roles,
    information pages and small world, and a test in a transaction is rolled
    back to them."""
    with django_db_blocker.unblock():
        seed_test_database()


def seed_test_database(*, people: bool = True) -> None:
    """What every test starts from: the roles with every app's permissions, the
    information pages and status explanations (``seed_pages``, as ``seed_demo``
    makes them) and, unless ``people`` is off, ``build_world()``, whose rows'
    keys are kept for ``world``."""
    from cms.management.commands.seed_pages import seed_pages

    _put_back_what_the_migrations_made()
    seed_pages()
    roles.roles_ensure()  # after the pages: comms staff's page permissions need the root
    if not people:
        return
    world = build_world()
    for field in fields(World):
        row = getattr(world, field.name)
        _WORLD_ROWS[field.name] = (type(row), row.pk)


# The world's rows, by field of World: (model, primary key).
_WORLD_ROWS: dict[str, tuple[type[Model], object]] = {}


def seeded_world() -> World | None:
    """The session's world, each row fetched afresh, so no test sees another
    one's changes to it in memory; None where this process seeded none."""
    if not _WORLD_ROWS:
        return None
    rows: dict[str, Any] = {
        name: model._default_manager.get(pk=pk) for name, (model, pk) in _WORLD_ROWS.items()
    }
    return World(**rows)


@pytest.fixture
def world(db: None) -> World:
    found = seeded_world()
    assert found is not None, "the session seeds the world in django_db_setup"
    return found


@pytest.fixture
def pages(db: None) -> None:
    """The information pages and status explanations. They are seeded once per
    session with everything else (``seed_test_database``); a test that reads
    them asks for this fixture to say so."""


@pytest.fixture(autouse=True)
def _database_and_empty_cache(db: None) -> Iterator[None]:
    """Every test may read the seeded database, and starts with an empty cache:
    what a rolled-back test cached (the branding, Wagtail's site root paths)
    must not outlive its rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chromium_browser(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Debian's Chromium (``/usr/bin/chromium``, never a downloaded browser),
    headless, started for this test with Playwright's own launch options and no
    more: they already leave out Chromium's sandbox, which cannot start as root
    (these tests run as root). A browser that cannot start fails the test.

    Playwright's sync API runs an event loop in this thread, so Django sees
    its ORM called from async code: allowed here (the calls are still plain
    synchronous ones). While that loop runs, asgiref keeps Django's connections
    apart from the thread's own, so they are closed on both sides of the
    browser's life: a connection left open would keep PostgreSQL from dropping
    the test database at the end of the run."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        connections.close_all()  # those the test opened beside the loop
        browser.close()
    connections.close_all()


def _transactional(item: pytest.Item) -> bool:
    """The test runs outside a transaction, so the database is flushed after it."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A test outside a transaction ends with a flush that empties every table:
    the same seed is made again, so every test starts from the same database
    whatever order they run in."""
    yield  # the test's own fixtures (and the flush) first
    if nextitem is not None and _transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            seed_test_database()


def _put_back_what_the_migrations_made() -> None:
    """Wagtail's migrations make its root page, a first page under it, the
    default site and the root collection; a flush takes them away (Django's own
    post-migrate work, such as content types and the roles, runs again after
    it). In a freshly migrated database this does nothing."""
    from wagtail.models import Collection, Page, Site

    if not Page.objects.exists():
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home", live=True)
        )
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


# Django's {% csrf_token %} input: its value is masked afresh in every response.
_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>')


def without_csrf_token(html: str) -> str:
    """A page without its CSRF input, so two renderings of one page can be
    compared: the masked token is the only part that differs every time."""
    return _CSRF_INPUT.sub("", html)


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign a user in; staff get a verified TOTP session unless ``verified`` is off."""
    client.force_login(user)
    if verified and user.kind == User.Kind.STAFF:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@dataclass
class World:
    """One small service: two workers, two survivors, two participants."""

    wss_a: User
    wss_other: User
    programme: User
    comms: User
    manager: User
    no_otp: User
    survivor_a: Survivor
    survivor_b: Survivor
    linked_participant: object
    lone_participant: object
    group: object
    session: object


def build_world() -> World:
    """The world as plain code, so benchmarks can build the same one."""
    from contacts.encryption import phone_hash
    from survivors.models import Message, RiskQuestion
    from survivors.services import casework as casework_services
    from survivors.services import plan as plan_services

    wss_a = staff_user(roles.WSS_WORKER, username="worker-a")
    wss_other = staff_user(roles.WSS_WORKER, username="worker-b")
    programme = staff_user(roles.PROGRAMME_WORKER, username="prog-worker")
    comms = staff_user(roles.COMMS_STAFF, username="comms-staff")
    manager = staff_user(roles.SERVICE_MANAGER, username="service-manager")
    no_otp = staff_user(roles.WSS_WORKER, username="no-otp-worker", otp=False)

    group = ProgrammeGroupFactory.create(name="Thursday group")
    # A session that has started (attendance can only be recorded from then).
    session = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() - timedelta(days=2)
    )
    linked = ParticipantFactory.create(reference="P-7001", group=group)
    lone = ParticipantFactory.create(reference="P-7002", group=group)

    survivor_a = survivor_account(username=CANARY_USERNAME, known_as=CANARY_NAME)
    survivor_a.safe_phone = CANARY_PHONE
    survivor_a.safe_phone_hash = phone_hash(CANARY_PHONE)
    survivor_a.code_word = CANARY_CODE_WORD
    survivor_a.save()
    survivor_b = survivor_account(username="survivor-b", known_as="Second Person")
    cases_services.survivor_allocate(actor=manager, survivor=survivor_a, worker=wss_a)
    cases_services.survivor_allocate(actor=manager, survivor=survivor_b, worker=wss_other)
    cases_services.survivor_link_participant(actor=manager, survivor=survivor_a, participant=linked)
    cases_services.survivor_link_participant(actor=manager, survivor=survivor_b, participant=linked)
    Message.objects.create(
        survivor=survivor_a, author=survivor_a.user, from_survivor=True, body=CANARY_MESSAGE
    )
    # A checklist on her case, raised by judgement, its note and reason canaries.
    # The placeholder fixture's question 1 (same key: loading it later updates it).
    question, _ = RiskQuestion.objects.get_or_create(
        pk=1, defaults={"number": 1, "text": "Placeholder question 1."}
    )
    casework_services.risk_assessment_record(
        actor=wss_a,
        survivor=survivor_a,
        answers={question.pk: ("yes", CANARY_CHECKLIST_NOTE)},
        level="high",
        reason=CANARY_JUDGEMENT,
    )
    # Her plan, written with her worker (a canary in it).
    plan_services.plan_save(actor=wss_a, survivor=survivor_a, steps={"people": CANARY_PLAN})
    survivor_a.refresh_from_db()
    survivor_b.refresh_from_db()
    return World(
        wss_a=wss_a,
        wss_other=wss_other,
        programme=programme,
        comms=comms,
        manager=manager,
        no_otp=no_otp,
        survivor_a=survivor_a,
        survivor_b=survivor_b,
        linked_participant=linked,
        lone_participant=lone,
        group=group,
        session=session,
    )


def client_for(role: str, world: World) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == "survivor_a":
        return sign_in(client, world.survivor_a.user)
    if role == "survivor_b":
        return sign_in(client, world.survivor_b.user)
    if role == "no_otp":
        return sign_in(client, world.no_otp, verified=False)
    return sign_in(client, getattr(world, role))


def _on_postgres_and_redis() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis://")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked postgres_redis run only where both exist (never skipped)."""
    if _on_postgres_and_redis():
        return
    chosen = [item for item in items if item.get_closest_marker("postgres_redis")]
    if chosen:
        config.hook.pytest_deselected(items=chosen)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_redis")]
        config._postgres_redis_deselected = len(chosen)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker hands its figures to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is None:
        return
    from .test_access_matrix import MATRIX_FIGURES

    workeroutput["matrix_figures"] = dict(MATRIX_FIGURES)
    workeroutput["postgres_redis_deselected"] = getattr(
        session.config, "_postgres_redis_deselected", 0
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {})
    config = node.config
    # Every worker collects (and deselects) the same tests: the count is one worker's.
    config._postgres_redis_deselected = output.get("postgres_redis_deselected", 0)
    # The matrix runs one test per role, spread over the workers: add them up.
    figures = output.get("matrix_figures") or {}
    total = getattr(config, "_matrix_figures", {})
    for name, value in figures.items():
        total[name] = total.get(name, 0) + value
    config._matrix_figures = total


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Always print how much of the access matrix was checked."""
    from .test_access_matrix import MATRIX_FIGURES

    deselected = getattr(config, "_postgres_redis_deselected", 0)
    if deselected:
        terminalreporter.write_line(
            f"{deselected} tests need PostgreSQL + Redis: they run in .ci/run's second pass"
        )

    figures = MATRIX_FIGURES or getattr(config, "_matrix_figures", {})
    if figures:
        terminalreporter.write_line(
            f"access matrix: {figures['pairs']} URL × role pairs checked, "
            f"{figures['unexpected']} unexpected"
        )
