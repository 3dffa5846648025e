"""Helpers shared by the benchmarks: one result line format and a table."""

from __future__ import annotations

import json
import sys


def result(figure: str, value: float | int | str, budget: str = "", ok: bool | None = None) -> dict:
    """Print one benchmark figure as a machine-readable line (collected by bench/run.py)."""
    row = {"figure": figure, "value": value, "budget": budget, "pass": ok}
    print("BENCH " + json.dumps(row), flush=True)
    return row


def fail_if_any_failed(rows: list[dict]) -> None:
    if any(row["pass"] is False for row in rows):
        sys.exit(1)
