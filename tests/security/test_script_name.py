"""The staff TOTP gate under the real production stack (SPEC 8).

gunicorn copies a client's ``SCRIPT_NAME:`` header into the WSGI environ when
the request comes from a trusted forwarder (its default ``forwarded_allow_ips``
is 127.0.0.1, the README's layout). Django then resolves the view from
``PATH_INFO`` while ``request.path`` carries the prefix. Signed in with a
password only, no staff URL may answer with anything but the TOTP step,
whatever SCRIPT_NAME says.

One gunicorn (production settings, production variables, a scratch copy of the
migrated test database) serves the whole module.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Model

from ..figures import record

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent
PREFIX = "/x"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's default

# One process runs this module's tests (--dist loadgroup): its server, started
# once for the module, runs collectstatic into the project's staticfiles/, and
# two processes doing that at once race on the same files.
pytestmark = pytest.mark.xdist_group("script-name")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def scratch_database(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """A copy of the migrated test database that a separate process can open."""
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
        if connection.vendor == "sqlite":
            target = tmp_path_factory.mktemp("gunicorn") / "scratch.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
            yield f"sqlite:///{target}"
            return
        name = f"{settings_dict['NAME']}_gunicorn"
        source = settings_dict["NAME"]
        connection.close()  # a template database must have no other session
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        user = settings_dict.get("USER") or ""
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        yield f"postgres://{auth}{host}:{port}/{name}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def seed() -> None:
    """The scratch database's people, made by the ``server`` fixture in a process
    of its own with the production settings (their encryption keys); prints
    their ids as one JSON line. Staff have a confirmed TOTP device, so a
    password-only session must stop at the TOTP step."""
    import django

    django.setup()
    from django.contrib.auth.models import Group

    from contacts import roles
    from survivors.models import Alert, Message

    from ..factories import ParticipantFactory, SurvivorFactory, staff_user

    roles.roles_ensure()
    boss = staff_user(roles.SERVICE_MANAGER, username="boss", is_staff=True, is_superuser=True)
    boss.groups.add(Group.objects.get(name=roles.COMMS_STAFF))
    worker = staff_user(roles.WSS_WORKER, username="worker")
    programme = staff_user(roles.PROGRAMME_WORKER, username="programme")
    participant = ParticipantFactory.create(reference="P-1")
    survivor = SurvivorFactory.create(known_as="Someone", worker=worker, participant=participant)
    Message.objects.create(survivor=survivor, author=worker, from_survivor=False, body="hello")
    alert = Alert.objects.create(survivor=survivor, kind=Alert.Kind.OTHER_REPLY)
    ids = {"boss": boss, "worker": worker, "programme": programme, "case": survivor, "alert": alert}
    ids |= {"group": participant.group, "participant": participant}
    print(json.dumps({name: row.pk for name, row in ids.items()}))


@dataclass
class Server:
    port: int
    database: str
    env: dict[str, str]
    ids: dict[str, int]

    def request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], list[str], str]:
        host = f"127.0.0.1:{self.port}"
        sent = {
            "Host": host,
            "X-Forwarded-Proto": "https",  # production trusts it (SECURE_PROXY_SSL_HEADER)
            **(headers or {}),
        }
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{host}"
            sent["Referer"] = f"https://{host}/"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.headers.get_all("Set-Cookie") or [],
                text,
            )
        finally:
            conn.close()


@dataclass
class Session:
    cookies: dict[str, str] = field(default_factory=dict)

    def take(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    @property
    def csrf(self) -> str:
        return self.cookies["__Host-csrf"]


def _production_env(database: str, tmp: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SECURITY_FIGURES"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.production",
            "SECRET_KEY": "script-name-test-" + os.urandom(32).hex(),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PHONE_HASH_KEY": "script-name-test-" + os.urandom(8).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_BROKER_DIR": str(tmp / "broker"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@pytest.fixture(scope="module")
def server(scratch_database: str, tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("gunicorn-run")
    env = _production_env(scratch_database, tmp)
    python = str(VENV / "python")
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = subprocess.run(  # noqa: S603 - our own interpreter and module
        [python, "-c", "from tests.security.test_script_name import seed; seed()"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - the gunicorn of our venv
        [
            str(VENV / "gunicorn"),
            "survivor_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        started = Server(port=port, database=scratch_database, env=env, ids=ids)
        deadline = time.monotonic() + 60
        while True:
            try:
                if started.request("GET", "/ping")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield started
    finally:
        process.terminate()
        process.wait(timeout=30)


def _password_only(server: Server, username: str) -> Session:
    """Sign in with the password and stop before the TOTP step."""
    session = Session()
    status, _, cookies, _ = server.request("GET", "/staff/login/")
    assert status == 200
    session.take(cookies)
    status, headers, cookies, _ = server.request(
        "POST",
        "/staff/login/",
        cookies=session.cookies,
        form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.csrf},
    )
    assert status == 302 and "/staff/otp/verify/" in headers["location"], (status, headers)
    session.take(cookies)
    return session


def _state(server: Server) -> dict[str, object]:
    """What a request that got through would change: rows and passwords, read
    straight from the server's database over a connection of its own."""
    from contacts.models import AuditEvent, User
    from programme.models import ProgrammeGroup
    from survivors.models import ActivationCode, Alert, Message, Survivor

    def table(model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    db: Any
    if server.database.startswith("sqlite:///"):
        db = sqlite3.connect(server.database.removeprefix("sqlite:///"))
    else:
        import psycopg

        db = psycopg.connect(server.database)
    try:
        cursor = db.cursor()

        def rows(sql: str) -> list[tuple]:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]

        def count(model: type) -> int:
            return rows(f"SELECT COUNT(*) FROM {table(model)}")[0][0]  # noqa: S608 - model tables

        return {
            "users": sorted(rows(f"SELECT username, password FROM {table(User)}")),  # noqa: S608
            "audit": count(AuditEvent),
            "messages": count(Message),
            "codes": count(ActivationCode),
            "survivors": count(Survivor),
            "groups": count(ProgrammeGroup),
            "alerts": sorted(
                str(row)
                for row in rows(f"SELECT id, acknowledged_at FROM {table(Alert)}")  # noqa: S608
            ),
            "phones": sorted(rows(f"SELECT safe_phone_hash FROM {table(Survivor)}")),  # noqa: S608
        }
    finally:
        db.close()


def _attempts(ids: dict[str, int]) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """(who, method, path, form) for every kind of staff URL: staff pages, the
    Wagtail admin (/editor/), the Django admin (/ops/), safe contact, the audit
    log, and POSTs that would change something."""
    case, alert, boss, worker = ids["case"], ids["alert"], ids["boss"], ids["worker"]
    group, participant = ids["group"], ids["participant"]
    gets = {
        "boss": [
            "/staff/",
            "/staff/people/",
            f"/staff/people/{worker}/",
            "/staff/people/new/",
            "/staff/audit/",
            "/staff/allocations/",
            "/staff/allocations/new/",
            "/staff/disclosures/",
            "/staff/reports/",
            "/staff/reports/monthly.csv",
            "/staff/texts/",
            "/staff/account/",
            "/editor/",
            "/editor/pages/",
            "/editor/users/",
            "/editor/settings/",
            "/ops/",
            "/ops/contacts/user/",
            f"/ops/contacts/user/{boss}/change/",
            "/ops/contacts/auditevent/",
        ],
        "worker": [
            "/staff/caseload/",
            f"/staff/cases/{case}/",
            f"/staff/cases/{case}/messages/",
            f"/staff/cases/{case}/safe-contact/",
            f"/staff/cases/{case}/check-ins/",
            f"/staff/alerts/{alert}/",
            "/staff/duty/",
        ],
        "programme": [
            "/staff/groups/",
            f"/staff/groups/{group}/",
            "/staff/participants/",
            f"/staff/participants/{participant}/",
            "/staff/register/import/",
        ],
    }
    posts = [
        ("boss", f"/staff/people/{worker}/password/", {}),
        ("boss", f"/staff/people/{worker}/authenticator/", {}),
        ("boss", "/staff/people/new/", {"username": "new-person", "roles": "wss_worker"}),
        ("boss", f"/staff/allocations/{case}/code/", {}),
        ("boss", "/staff/allocations/new/", {"known_as": "Another"}),
        ("worker", f"/staff/cases/{case}/messages/", {"body": "got through"}),
        ("worker", f"/staff/cases/{case}/code/", {}),
        (
            "worker",
            f"/staff/cases/{case}/safe-contact/",
            {"safe_phone": "07700 900555", "window-TOTAL_FORMS": "0", "window-INITIAL_FORMS": "0"},
        ),
        ("worker", f"/staff/alerts/{alert}/", {"note": "got through"}),
        ("programme", "/staff/groups/new/", {"name": "Got through"}),
        ("programme", f"/staff/participants/{participant}/status/", {"status": "suspended"}),
    ]
    attempts: list[tuple[str, str, str, dict[str, str] | None]] = [
        (who, "GET", path, None) for who, paths in gets.items() for path in paths
    ]
    attempts += [(who, "POST", path, form) for who, path, form in posts]
    return attempts


def _stopped_at_totp(status: int, headers: dict[str, str]) -> bool:
    location = headers.get("location", "")
    return status == 302 and re.search(r"/staff/otp/(verify|setup)/", location) is not None


def test_a_script_name_header_never_skips_the_totp_step(server: Server) -> None:
    sessions = {who: _password_only(server, who) for who in ("boss", "worker", "programme")}
    attempts = _attempts(server.ids)
    # Without the header, the gate stops every request at the TOTP step.
    for who, method, path, form in attempts:
        session = sessions[who]
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": session.csrf}
        status, headers, _, _ = server.request(method, path, cookies=session.cookies, form=form)
        assert _stopped_at_totp(status, headers), (method, path, status, headers)
    before = _state(server)
    assert before["users"] and before["survivors"] and before["alerts"] and before["groups"]
    # With it, the answer must be the same.
    through = []
    for who, method, path, form in attempts:
        session = sessions[who]
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": session.csrf}
        status, headers, _, body = server.request(
            method,
            PREFIX + path,
            cookies=session.cookies,
            form=form,
            headers={"SCRIPT_NAME": PREFIX},
        )
        if not _stopped_at_totp(status, headers):
            through.append((method, path, status, headers.get("location", ""), body[:200]))
    after = _state(server)
    record("SCRIPT_NAME bypass attempts: staff URLs tried", len(attempts))
    record("SCRIPT_NAME bypass attempts: got through", len(through))
    assert len(attempts) >= 20
    assert through == []
    assert after == before  # nothing was read into the audit log, nothing changed


def test_the_forwarded_prefix_reaches_django(server: Server) -> None:
    """The header is honoured (else the test above would prove nothing): the
    TOTP redirect carries the prefix, as reverse() adds SCRIPT_NAME."""
    session = _password_only(server, "worker")
    status, headers, _, _ = server.request(
        "GET", PREFIX + "/staff/caseload/", cookies=session.cookies, headers={"SCRIPT_NAME": PREFIX}
    )
    assert status == 302
    assert headers["location"].startswith(PREFIX + "/staff/otp/verify/")
    assert "next=" + PREFIX.replace("/", "%2F") in headers["location"]
