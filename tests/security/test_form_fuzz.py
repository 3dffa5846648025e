"""Every form a role can reach is fuzzed with Hypothesis (>= 200 examples each)
and must never answer 500 (SPEC 4 of DEVELOPERS: bad input gets a clear error).

Forms are found from the pages themselves, so a new form is fuzzed without
anyone listing it: each role's reachable pages are parsed for POST forms, and
each form's fields get text, numbers, dates, option values, huge and odd values."""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .. import access_matrix as matrix
from ..conftest import client_for
from ..figures import record
from ..test_access_matrix import _ids

# `make security` runs 200 examples per form; an ordinary `make test` run, 25.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ROLES = ("anonymous", "survivor_a", "wss_a", "programme", "manager")
SKIP_ACTIONS = ("/leave/", "/sign-out/", "/staff/logout/")


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            options = self._current["fields"].setdefault(name, [])
            if a.get("value"):
                options.append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and self._current is not None:
            self._current["fields"][self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        if tag == "select":
            self._select = None


ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202egnp.exe",
        "<script>alert(1)</script>",
        "=cmd|' /C calc'!A0",
        "9" * 40,
        "-1",
        "0",
        "2026-02-30",
        "25:99",
        "+447700900000",
        "x" * 5000,
        "null",
        "[]",
    ]
)


def _value(options: list[str]) -> st.SearchStrategy[str]:
    choices = [
        ODD,
        st.text(max_size=60),
        st.integers(-(10**6), 10**9).map(str),
        st.dates().map(str),
        st.times().map(lambda t: t.strftime("%H:%M")),
    ]
    if options:
        choices.insert(0, st.sampled_from(options))
    return st.one_of(*choices)


def _reachable_forms(role: str, world) -> dict[str, dict]:
    ids = _ids(world)
    client = client_for(role, world)
    forms: dict[str, dict] = {}
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        if entry.expected[role] != matrix.OK or entry.method != "GET":
            continue
        path = matrix.example_path(route, entry, ids)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or path
            if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
                continue
            # One form per URL pattern: the same form for another case adds nothing.
            try:
                key = resolve(action.split("?")[0]).route
            except Resolver404:
                continue
            forms.setdefault(key, {**form, "action": action})
    return {form["action"]: form for form in forms.values()}


def _fuzz(world, role: str, action: str, fields: dict, errors: list[str]) -> int:
    runs = [0]
    client = client_for(role, world)
    client.raise_request_exception = False

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.fixed_dictionaries({name: _value(opts) for name, opts in fields.items()}))
    def post(data: dict[str, str]) -> None:
        runs[0] += 1
        response = client.post(action, data)
        if response.status_code >= 500:
            errors.append(f"{role} POST {action}: {response.status_code} for {data!r}")

    post()
    return runs[0]


# The forms found, by the ids of the rows their pages were found with. Every
# shard in a process starts from the same rolled-back database, so on SQLite the
# first shard's crawl serves the others (about 2 s of CPU each); where the ids
# differ (PostgreSQL's sequences move on after a rollback), a shard crawls again.
_found: dict[tuple, list[tuple[str, str, dict]]] = {}


def _fuzzable_forms(world) -> list[tuple[str, str, dict]]:
    """Every form with fields that some role reaches, once each (by URL pattern),
    with the first role (in ROLES order) that reaches it."""
    ids = _ids(world)  # also makes the rows the forms act on
    rows = {name: getattr(world, name).pk for name in world.__dataclass_fields__}
    key = tuple(sorted({**ids, **rows}.items()))
    if key not in _found:
        _found[key] = _crawl(world)
    return _found[key]


def _crawl(world) -> list[tuple[str, str, dict]]:
    found, done = [], set()
    for role in ROLES:
        for action, form in _reachable_forms(role, world).items():
            if action in done:
                continue  # the same form seen by an earlier role
            done.add(action)
            if form["fields"]:  # a bare button: nothing to fuzz (the access matrix posts to it)
                found.append((role, action, form["fields"]))
    return found


# The forms are fuzzed in SHARDS tests (form n in shard n % SHARDS), so pytest-xdist
# can spread them over its processes; every shard finds every form the same way.
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda n: f"forms-{n + 1}-of-{SHARDS}")
def test_no_form_answers_500_whatever_it_is_sent(world, shard: int) -> None:
    forms = _fuzzable_forms(world)
    assert len(forms) >= 5
    assert len(forms) >= SHARDS  # so no shard is empty
    fuzzed, fewest = 0, None
    errors: list[str] = []
    for role, action, fields in forms[shard::SHARDS]:
        runs = _fuzz(world, role, action, fields, errors)
        fuzzed += 1
        fewest = runs if fewest is None else min(fewest, runs)
    record("forms fuzzed", fuzzed)
    record("fewest examples for one form", fewest or 0)
    record("500s while fuzzing forms", len(errors))
    assert errors == [], "\n".join(errors[:10])
    assert fuzzed >= 1
    assert fewest >= EXAMPLES
