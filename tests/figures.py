"""Figures that `make security` reports, recorded by the tests that measure them.

When SECURITY_FIGURES names a file, each call appends one JSON line to it;
otherwise recording does nothing (an ordinary test run)."""

from __future__ import annotations

import json
import os


def record(name: str, value: float | int | str) -> None:
    path = os.environ.get("SECURITY_FIGURES")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"name": name, "value": value}) + "\n")
