"""Cells a spreadsheet would run as a formula (CSV injection): refused in an
uploaded register, neutralised in every CSV the service writes. One list."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
