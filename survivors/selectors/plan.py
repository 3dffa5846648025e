"""Her plan, read (SPEC 9). The headings are neutral on purpose: whoever
glances at her phone sees a list of everyday notes, nothing that names what
it is for. WSS means Women's Support Service."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from survivors.models import PlanVersion, Survivor

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Key -> heading, in the order shown. Keys never change (stored versions use them).
PLAN_HEADINGS: tuple[tuple[str, StrOrPromise], ...] = (
    ("notice", _("Things to notice")),
    ("people", _("People I can call")),
    ("places", _("Places I can go")),
    ("ready", _("Things to keep ready")),
    ("other", _("Anything else")),
)
PLAN_KEYS = tuple(key for key, _label in PLAN_HEADINGS)
STEP_MAX_LENGTH = 2000


def plan_steps(version: PlanVersion | None) -> dict[str, str]:
    """Each heading's text in a version (empty text for none)."""
    saved = json.loads(version.steps) if version is not None and version.steps else {}
    return {key: str(saved.get(key, "")) for key in PLAN_KEYS}


def plan_current(*, survivor: Survivor) -> PlanVersion | None:
    """Her plan as it stands: the latest version not saved under duress."""
    return (
        PlanVersion.objects.filter(survivor=survivor, under_duress=False)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )


def plan_version_by_id(*, survivor: Survivor, version_id: int | None) -> PlanVersion | None:
    if version_id is None:
        return None
    return PlanVersion.objects.filter(survivor=survivor, pk=version_id).first()


def plan_history(*, survivor: Survivor, limit: int = 50) -> list[dict[str, object]]:
    """Every version, newest first, with who saved it and the headings changed."""
    labels = dict(PLAN_HEADINGS)
    versions = (
        PlanVersion.objects.filter(survivor=survivor)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        {
            "version": version,
            "by_her": version.author_id == survivor.user_id,
            "changed": [str(labels[key]) for key in version.changed.split(",") if key in labels],
            "steps": [(str(labels[key]), text) for key, text in plan_steps(version).items()],
        }
        for version in versions
    ]
