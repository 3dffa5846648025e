"""Shared fixtures, composed from small to large."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

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
from .migrated_db import migrated_database_copy
from .portal.browser import Browser, SharedChromium

# Values that must never appear on the programme side (SPEC 2).
CANARY_NAME = "Canarywoman Zephyrine"
CANARY_PHONE = "+447700900987"
CANARY_PHONE_NATIONAL = "07700 900987"
CANARY_USERNAME = "canary-zephyr"
CANARY_MESSAGE = "canary message body 7431 lighthouse"
CANARY_CODE_WORD = "marmalade-canary"
# What the WSS side writes about items from the programme (issue 17): her
# worker's note on sharing, her note in the portal, a disclosure's details.
CANARY_SHARED_NOTE = "canary shared-note 5521 over the phone"
CANARY_PORTAL_NOTE = "canary portal-note 6630 call me after"
CANARY_DISCLOSURE = "canary disclosure 7712 she agreed on"
# Her casework (issue 16): a checklist note and a judgement reason on her case.
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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> Iterator[None]:
    """The SQLite test database's migrations are copied from an identical
    earlier run when nothing that shapes them changed (tests/migrated_db.py)."""
    with migrated_database_copy():
        yield


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist the controller fills the migrated-database cache once
    (``tests/migrated_db.py``) before its test processes start."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        return
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "tests.migrated_db"], cwd=root, check=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated (post_migrate creates the roles), with the
    roles completed once more now that every app's permissions exist."""
    with django_db_blocker.unblock():
        roles.roles_ensure()


def _transactional(item: pytest.Item) -> bool:
    """The test runs outside a transaction, so the database is flushed after it."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _roles(request: pytest.FixtureRequest, db: None) -> None:
    """Every test starts with the four roles and their permissions. A test in a
    transaction keeps the ones made once per session (rolled back to them); a
    transactional test starts after another one's flush, so it makes them again."""
    if _transactional(request.node):
        roles.roles_ensure()


_SHARED_CHROMIUM = SharedChromium()


@pytest.fixture
def chromium_browser(transactional_db: None) -> Iterator[Browser]:
    """The shared headless Chromium (``tests/portal/browser.py``): one process
    for each run of consecutive tests that use it, stopped as soon as the next
    test does not. Give every test its own context (``new_context``)."""
    connections.close_all()
    browser = _SHARED_CHROMIUM.get()
    yield browser
    connections.close_all()


def wagtail_baseline_restore() -> None:
    """What the migrations put in an empty database and a flush takes away:
    Wagtail's root page, its first page and the default site, and the root
    collection (and comms staff's permissions on the new root). Django's own
    post-migrate work (content types, permissions, roles, locales) already runs
    after each flush."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page, Site

    from contacts import roles

    if not Page.objects.exists():
        page_type = ContentType.objects.get_for_model(Page)
        locale = Locale.get_default()
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=page_type, locale=locale)
        )
        home = root.add_child(
            instance=Page(
                title="Welcome to your new Wagtail site!",
                slug="home",
                content_type=page_type,
                locale=locale,
                live=True,
            )
        )
        Site.objects.get_or_create(
            hostname="localhost", port=80, defaults={"root_page": home, "is_default_site": True}
        )
        roles.roles_ensure()  # comms staff's page permissions need the root
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's own fixtures (and database flush) first
    if nextitem is None or "chromium_browser" not in getattr(nextitem, "fixturenames", ()):
        _SHARED_CHROMIUM.stop()
    # A test that flushed the database leaves it as the migrations would have,
    # so the tests after it see the same database whatever order they run in
    # (under --dist loadgroup the grouped browser tests run first).
    if nextitem is not None and _transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            wagtail_baseline_restore()


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign a user in; staff get a verified TOTP session unless ``verified`` is off."""
    client.force_login(user)
    if verified and user.kind == User.Kind.STAFF:
        device = user.totpdevice_set.filter(confirmed=True).first()
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


# build_world() costs about 25 ms of CPU and some 300 queries, and about 350
# tests ask for it, nearly all from the same rolled-back database: the first
# test in a process builds it for real and records it, later ones from the same
# starting point get its rows written back (tests/seeded_pages.py).
_world_recordings: list = []


@pytest.fixture
def world(db: None) -> World:
    from tests.seeded_pages import replayed

    return replayed(build_world, _world_recordings)[0]


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

    group = ProgrammeGroupFactory(name="Thursday group")
    # A session that has started (attendance can only be recorded from then).
    session = ProgrammeSessionFactory(group=group, starts_at=timezone.now() - timedelta(days=2))
    linked = ParticipantFactory(reference="P-7001", group=group)
    lone = ParticipantFactory(reference="P-7002", group=group)

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


ROLE_NAMES = [
    "anonymous",
    "survivor_a",
    "survivor_b",
    "wss_a",
    "wss_other",
    "programme",
    "comms",
    "manager",
    "no_otp",
]


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


# The longest single tests (10-20 s each) start first, so that under two
# processes neither ends the run alone with one of them.
LONG_TESTS_FIRST = ("tests/test_split_migration.py", "tests/security/test_script_name.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked postgres_redis run only where both exist (never skipped)."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_TESTS_FIRST))
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
