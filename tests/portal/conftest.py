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
    """The seeded information pages and status explanations."""
    from cms.management.commands.seed_pages import seed_pages

    seed_pages()
