"""Her outcome check-points (SPEC 14): what is due, answered or missed."""

from __future__ import annotations

from survivors.models import CheckPoint, Survivor


def case_check_points(*, survivor: Survivor) -> list[CheckPoint]:
    """Her check-points, in the order they fell due."""
    return list(survivor.check_points.order_by("due_at", "id"))
