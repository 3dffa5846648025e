"""Fixtures for the survivor portal tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_branding() -> Iterator[None]:
    """The branding is cached across requests; a rolled-back test must not
    leave its branding behind for the next one."""
    from cms.explanations import forget_rendered
    from survivor_portal.context_processors import CACHE_KEY, _local

    cache.delete(CACHE_KEY)
    _local.clear()
    forget_rendered()
    yield
    cache.delete(CACHE_KEY)
    _local.clear()
    forget_rendered()


@pytest.fixture
def pages(db: None) -> None:
    """The seeded information pages and status explanations: seeded for real by
    the first test in a process, written back from that by the tests after it
    that start from the same database (``tests/seeded_pages.py``)."""
    from tests.seeded_pages import seeded_pages

    seeded_pages()
