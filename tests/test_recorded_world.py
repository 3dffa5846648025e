"""The ``world`` fixture writes back the first test's build_world() for later
tests from the same starting point (``tests/seeded_pages.py``): every table
must then hold exactly the rows building it leaves, and the World handed to the
test must be those rows."""

from __future__ import annotations

from dataclasses import fields

from django.db import transaction

from contacts.models import User

from .conftest import build_world
from .seeded_pages import Recording, replayed, snapshot


def test_a_written_back_world_is_row_for_row_the_one_built(db) -> None:
    with transaction.atomic():
        recording, built = Recording.made(build_world)
        rows = snapshot()
        transaction.set_rollback(True)
    assert not User.objects.filter(username="worker-a").exists()
    assert recording.matches()
    recording.replay()
    assert snapshot() == rows
    world = recording.recalled()
    for field in fields(built):
        mine, theirs = getattr(world, field.name), getattr(built, field.name)
        assert (type(mine), mine.pk) == (type(theirs), theirs.pk), field.name
    assert world.survivor_a.worker == world.wss_a  # the rows, related as built
    assert not recording.matches()  # the starting point is gone: nothing is written twice


def test_the_world_is_built_for_real_on_any_other_starting_point(db) -> None:
    recordings: list[Recording] = []  # this test's own, whatever ran before
    with transaction.atomic():
        assert replayed(build_world, recordings)[1] is False  # built and recorded
        transaction.set_rollback(True)
    with transaction.atomic():
        world, written_back = replayed(build_world, recordings)
        assert written_back is True
        assert world.wss_a.username == "worker-a"
        transaction.set_rollback(True)
    # Another starting point (one more staff account first): built for real.
    User.objects.create(username="someone-first", kind=User.Kind.STAFF)
    world, written_back = replayed(build_world, recordings)
    assert written_back is False
    assert User.objects.filter(username="worker-a").count() == 1
