"""Fixtures for the information pages tests."""

from tests.portal.conftest import _fresh_branding, pages

__all__ = ["_fresh_branding", "pages"]
