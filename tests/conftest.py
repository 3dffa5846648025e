"""Shared fixtures, composed from small to large: the canaries and the small
world seeded once per session, signed-in clients, and the browser."""

from __future__ import annotations

import os
import re
from collections import Counter
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
from playwright.sync_api import Browser, expect, sync_playwright

from contacts import roles
from contacts.models import User
from programme.models import Participant, ProgrammeGroup, ProgrammeSession
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
CANARIES = [value for name, value in list(globals().items()) if name.startswith("CANARY_")]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, then seeded once for the session (STYLE.md,
    "Seed once, read many"): a test in a transaction is rolled back to it."""
    with django_db_blocker.unblock():
        seed_test_database()


def seed_test_database(*, people: bool = True) -> None:
    """The roles with every app's permissions, the information pages and status
    explanations (as ``seed_demo`` makes them) and, unless ``people`` is off,
    ``build_world()``, whose rows' keys are kept for ``world``."""
    from cms.management.commands.seed_pages import seed_pages

    _put_back_what_the_migrations_made()
    seed_pages()
    roles.roles_ensure()  # after the pages: comms staff's page permissions need the root
    if people:
        world = build_world()
        for name in (field.name for field in fields(World)):
            _WORLD_ROWS[name] = (type(getattr(world, name)), getattr(world, name).pk)


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
    """The information pages and status explanations, seeded once per session
    with everything else: a test that reads them asks for this to say so."""


@pytest.fixture(autouse=True)
def _database_and_empty_cache(db: None) -> Iterator[None]:
    """Every test may read the seeded database, and starts with an empty cache:
    what a rolled-back test cached (the branding, Wagtail's site root paths)
    must not outlive its rows."""
    cache.clear()
    yield
    cache.clear()


# Playwright and its Chromium while a run of browser tests lasts.
_chromium: dict[str, Any] = {}
# A bail-out for a page that never comes (Playwright's actions already wait 30 s
# by default), not a speed target: expect() returns as soon as the page is there.
expect.set_options(timeout=30_000)


@pytest.fixture
def chromium_browser(transactional_db: None) -> Browser:
    """Debian's Chromium, headless, with Playwright's own launch options and no
    more: they already leave out the sandbox, which cannot start as root (these
    tests run as root). One browser serves each run of browser tests (each test
    opens its own context, as pytest-playwright does) and stops before the next
    test that does not use it.

    Playwright's sync API runs an event loop in this thread, so Django sees its
    ORM called from async code: allowed while the browser runs (the calls are
    still synchronous ones). asgiref keeps that loop's connections apart from
    the thread's own, so both are closed when the browser starts and stops: one
    left open would keep PostgreSQL from dropping the test database."""
    if not _chromium:
        connections.close_all()
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _chromium["playwright"] = sync_playwright().start()
        _chromium["browser"] = _chromium["playwright"].chromium.launch(executable_path=CHROMIUM)
    return _chromium["browser"]


def _stop_chromium() -> None:
    connections.close_all()  # those opened beside Playwright's loop
    _chromium.pop("browser").close()
    _chromium.pop("playwright").stop()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    connections.close_all()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test's own teardown, Chromium stops if the next test does not use
    it; and where the test ended with a flush (a test outside a transaction
    does), the seed is made again, so every test starts from the same database."""
    yield
    if _chromium and "chromium_browser" not in getattr(nextitem, "fixturenames", ()):
        _stop_chromium()
    if nextitem is not None:
        from pytest_django.plugin import blocking_manager_key
        from wagtail.models import Site

        with item.config.stash[blocking_manager_key].unblock():
            if not Site.objects.exists():  # the flush took it with everything else
                seed_test_database()


def _put_back_what_the_migrations_made() -> None:
    """Wagtail's migrations make its root page, a first page, the default site
    and the root collection; a flush takes them away (Django's own post-migrate
    work, such as content types and the roles, runs again after it)."""
    from wagtail.models import Collection, Page, Site

    if not Page.objects.exists():
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home", live=True)
        )
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


def without_csrf_token(html: str) -> str:
    """A page without its CSRF input, so two renderings of one page can be
    compared: Django masks the token afresh in every response."""
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", html)


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
    """One small service: staff of every role, two survivors, two participants."""

    wss_a: User
    wss_other: User
    programme: User
    comms: User
    manager: User
    no_otp: User
    survivor_a: Survivor
    survivor_b: Survivor
    linked_participant: Participant
    lone_participant: Participant
    group: ProgrammeGroup
    session: ProgrammeSession


def build_world() -> World:
    """The world as plain code, so benchmarks can build the same one. Survivor A
    carries the canaries; both survivors are linked to one participant."""
    from survivors.models import Message, RiskQuestion
    from survivors.services import casework as casework_services
    from survivors.services import plan as plan_services

    group = ProgrammeGroupFactory.create(name="Thursday group")
    world = World(
        wss_a=staff_user(roles.WSS_WORKER, username="worker-a"),
        wss_other=staff_user(roles.WSS_WORKER, username="worker-b"),
        programme=staff_user(roles.PROGRAMME_WORKER, username="prog-worker"),
        comms=staff_user(roles.COMMS_STAFF, username="comms-staff"),
        manager=staff_user(roles.SERVICE_MANAGER, username="service-manager"),
        no_otp=staff_user(roles.WSS_WORKER, username="no-otp-worker", otp=False),
        group=group,
        # A session that has started (attendance can only be recorded from then).
        session=ProgrammeSessionFactory.create(
            group=group, starts_at=timezone.now() - timedelta(days=2)
        ),
        linked_participant=ParticipantFactory.create(reference="P-7001", group=group),
        lone_participant=ParticipantFactory.create(reference="P-7002", group=group),
        survivor_a=survivor_account(
            username=CANARY_USERNAME,
            known_as=CANARY_NAME,
            phone=CANARY_PHONE,
            code_word=CANARY_CODE_WORD,
        ),
        survivor_b=survivor_account(username="survivor-b", known_as="Second Person"),
    )
    manager, her, linked = world.manager, world.survivor_a, world.linked_participant
    cases_services.survivor_allocate(actor=manager, survivor=her, worker=world.wss_a)
    cases_services.survivor_allocate(
        actor=manager, survivor=world.survivor_b, worker=world.wss_other
    )
    cases_services.survivor_link_participant(actor=manager, survivor=her, participant=linked)
    cases_services.survivor_link_participant(
        actor=manager, survivor=world.survivor_b, participant=linked
    )
    Message.objects.create(survivor=her, author=her.user, from_survivor=True, body=CANARY_MESSAGE)
    # A checklist on her case, raised by judgement, its note and reason canaries,
    # on the placeholder fixture's question 1 (same key: loading it later updates it).
    question, _ = RiskQuestion.objects.get_or_create(
        pk=1, defaults={"number": 1, "text": "Placeholder question 1."}
    )
    answers = {question.pk: ("yes", CANARY_CHECKLIST_NOTE)}
    casework_services.risk_assessment_record(
        actor=world.wss_a, survivor=her, answers=answers, level="high", reason=CANARY_JUDGEMENT
    )
    # Her plan, written with her worker.
    plan_services.plan_save(actor=world.wss_a, survivor=her, steps={"people": CANARY_PLAN})
    her.refresh_from_db()
    world.survivor_b.refresh_from_db()
    return world


def client_for(role: str, world: World) -> Client:
    """A client signed in as one of the access matrix's roles (tests/access_matrix.py)."""
    if role == "anonymous":
        return Client()
    user = {"survivor_a": world.survivor_a.user, "survivor_b": world.survivor_b.user}.get(role)
    return sign_in(Client(), user or getattr(world, role), verified=role != "no_otp")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked postgres_redis run only where both exist (never skipped)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis://"):
        return
    chosen = [item for item in items if item.get_closest_marker("postgres_redis")]
    if chosen:
        config.hook.pytest_deselected(items=chosen)
        items[:] = [item for item in items if item not in chosen]
        config.postgres_redis_deselected = len(chosen)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Chromium stops if a run of browser tests was cut short; under pytest-xdist
    each worker hands its figures to the controller."""
    if _chromium:
        _stop_chromium()
    if hasattr(session.config, "workeroutput"):
        from .test_access_matrix import MATRIX_FIGURES

        session.config.workeroutput["matrix_figures"] = dict(MATRIX_FIGURES)
        session.config.workeroutput["postgres_redis_deselected"] = getattr(
            session.config, "postgres_redis_deselected", 0
        )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Every worker deselects the same tests; the matrix's roles are spread over them."""
    output, config = getattr(node, "workeroutput", {}), node.config
    config.postgres_redis_deselected = output.get("postgres_redis_deselected", 0)
    config.matrix_figures = getattr(config, "matrix_figures", Counter())
    config.matrix_figures.update(output.get("matrix_figures") or {})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Always say which tests were left to the PostgreSQL pass and how much of
    the access matrix was checked."""
    from .test_access_matrix import MATRIX_FIGURES

    if deselected := getattr(config, "postgres_redis_deselected", 0):
        terminalreporter.write_line(
            f"{deselected} tests need PostgreSQL + Redis: they run in .ci/run's second pass"
        )
    if figures := MATRIX_FIGURES or getattr(config, "matrix_figures", {}):
        terminalreporter.write_line(
            f"access matrix: {figures['pairs']} URL × role pairs checked, "
            f"{figures['unexpected']} unexpected"
        )
