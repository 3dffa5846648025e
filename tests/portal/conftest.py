"""Fixtures for the survivor portal tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_branding() -> Iterator[None]:
    """The branding is cached across requests; a rolled-back test must not
    leave its branding behind for the next one."""
    from survivor_portal.context_processors import CACHE_KEY

    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture
def pages(db: None) -> None:
    """The seeded information pages and status explanations."""
    from cms.management.commands.seed_pages import seed_pages

    seed_pages()
