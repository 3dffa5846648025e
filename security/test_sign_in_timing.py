"""`make security` only (security/report.py runs it): the wall-clock sign-in
timing for an existing and an unknown username, recorded as a figure.

`make test` asserts the mechanism instead (tests/portal/test_sign_in.py: the
same number of password hashes whether or not the account exists), because a
timing assertion fails on a busy machine. Run this on a quiet one."""

from __future__ import annotations

import statistics
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, override_settings

from contacts import roles
from survivors.services.second_passphrase import duress_passphrase_set
from tests.conftest import World, build_world, seeded_world
from tests.figures import record

PASSPHRASE = "a long passphrase 42"
SECOND = "blue kettle morning"
ROUNDS = 20


class SlowEnoughHasher(PBKDF2PasswordHasher):
    """Costly enough that skipping one hash would show in the timings, cheap
    enough for 60 sign-ins."""

    iterations = 30_000


@pytest.fixture
def world(db: None) -> World:
    """The tests' small world: the one the suite seeded in this process when
    these figures run beside it (tests/conftest.py), else built here."""
    roles.roles_ensure()
    return seeded_world() or build_world()


@override_settings(PASSWORD_HASHERS=["security.test_sign_in_timing.SlowEnoughHasher"])
def test_sign_in_timing_figure(world: World) -> None:
    user, other = world.survivor_a.user, world.survivor_b.user
    assert user is not None and other is not None
    user.set_password(PASSPHRASE)
    user.save()
    duress_passphrase_set(
        survivor=world.survivor_a, passphrase=SECOND, current_passphrase=PASSPHRASE
    )
    other.set_password(PASSPHRASE)
    other.save()
    names = [user.username, other.username, "nobody-at-all"]
    timings: dict[str, list[float]] = {name: [] for name in names}

    def attempt(username: str) -> float:
        client = Client(REMOTE_ADDR=f"10.0.{len(timings[username])}.1")  # no lockout
        started = time.perf_counter()
        response = client.post("/", {"username": username, "passphrase": "wrong guess 123"})
        elapsed = time.perf_counter() - started
        assert response.status_code == 400
        return elapsed

    for name in names:
        attempt(name)  # warm up
    for _ in range(ROUNDS):
        for name in names:
            timings[name].append(attempt(name))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    unknown = medians["nobody-at-all"]
    difference = max(abs(medians[name] - unknown) / unknown for name in names[:2])
    record("sign-in median, unknown username (ms)", round(unknown * 1000, 1))
    record(
        "sign-in timing: largest median difference, existing vs unknown (%)",
        round(difference * 100, 1),
    )
