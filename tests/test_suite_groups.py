"""The suite's own promise: under ``make test``'s several processes the tests
that must share one process do (``--dist loadgroup``): only one process talks
to the broker at a time. pytest 9.2 silently broke this with pytest-xdist 3.8
(https://github.com/pytest-dev/pytest-xdist/issues/1386), which is why pytest
is held below 9.2 in pyproject.toml."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("broker")
def test_grouped_tests_are_sent_to_one_process_as_a_unit(request: pytest.FixtureRequest) -> None:
    if not getattr(request.config.option, "loadgroup", False):
        return  # one process (TEST_WORKERS=0): everything shares it anyway
    assert request.node.nodeid.endswith("@broker"), (
        "pytest-xdist ignored the xdist_group mark: grouped tests would run in both processes"
    )
