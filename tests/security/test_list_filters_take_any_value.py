"""Every filter of every staff list takes any value without a server error
(SPEC 8), and an id that is out of range, negative, zero, not a number or in
another script's digits finds nothing rather than failing in the database
(``contacts.selectors.listing``: ids are whole numbers from 1 to 2**63 - 1).

The lists are found from the pages themselves, so a new list is covered
without anyone naming it: every staff page a role can open is read for
search-and-filter forms (``method="get"``), and every field of each, plus the
page number, is sent odd values with Hypothesis, signed in as a role that may
see the list. Nothing here is particular to SQLite: the same test runs on
PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts import roles

from .. import access_matrix as matrix
from ..conftest import client_for, sign_in
from ..factories import staff_user
from ..test_access_matrix import _ids

EXAMPLES = 25  # per list
ROLES = ("manager", "wss_a", "programme", "comms")

HUGE = "9" * 40
BAD_IDS = ["0", "-1", "-0", HUGE, str(2**63), "1e5", "1.5", "0x10", "٣", "１２", "abc", "", " "]
ODD_VALUES = st.one_of(
    st.sampled_from(BAD_IDS),
    st.integers(max_value=0).map(str),  # zero and negative
    st.integers(min_value=2**63).map(str),  # past the largest id a table holds
    st.text(st.characters(categories=["Nd"]), min_size=1, max_size=6),  # any script's digits
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
    st.dates().map(str),
)


class _GetForms(HTMLParser):
    """The names of the fields of the page's search-and-filter forms."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self._inside = (named.get("method") or "get").lower() == "get"
        elif self._inside and tag in ("input", "select", "textarea"):
            name = named.get("name")
            if name and name not in self.fields:
                self.fields.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@dataclass(frozen=True)
class StaffList:
    path: str
    fields: list[str]  # its search-and-filter form's
    client: Client

    @property
    def parameters(self) -> list[str]:
        return [*self.fields, *(["page"] if "page" not in self.fields else [])]


def _filter_fields(body: str) -> list[str]:
    forms = _GetForms()
    forms.feed(body)
    return forms.fields


def staff_lists(world) -> list[StaffList]:
    """Every staff page with a search-and-filter form, each with the first role
    (in ``ROLES`` order, then a duty worker) that may open it."""
    ids = _ids(world)
    duty = staff_user(roles.WSS_WORKER, username="duty-lists", is_duty_worker=True)
    clients = [client_for(role, world) for role in ROLES] + [sign_in(Client(), duty)]
    found: list[StaffList] = []
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        if not route.startswith("staff/") or entry is None or entry.method != "GET":
            continue
        path = matrix.example_path(route, entry, ids)
        for client in clients:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            fields = _filter_fields(response.content.decode())
            if fields:
                found.append(StaffList(path, fields, client))
            break
    return found


def test_the_lists_are_found(world) -> None:
    paths = {found.path for found in staff_lists(world)}
    for known in ("/staff/allocations/", "/staff/disclosures/", "/staff/duty/", "/staff/audit/"):
        assert known in paths
    assert "/staff/participants/" in paths and "/staff/people/" in paths


def test_a_huge_case_number_finds_nothing(world) -> None:
    manager = client_for("manager", world)
    duty = staff_user(roles.WSS_WORKER, username="duty-huge", is_duty_worker=True)
    on_duty = sign_in(Client(), duty)
    for client, path, nothing in (
        (manager, "/staff/disclosures/", "None match."),
        (manager, "/staff/allocations/", "No cases match."),
        (on_duty, "/staff/duty/", "No urgent alerts match."),
        (manager, "/staff/audit/", "No events match."),
    ):
        for bad in (HUGE, "-1", "0", "٣", "abc"):
            response = client.get(path, {"case": bad})
            assert response.status_code == 200, (path, bad)
            assert nothing in response.content.decode(), (path, bad)
    # A worker or group id nobody has is the same: nothing found.
    for path, name, nothing in (
        ("/staff/allocations/", "worker", "No cases match."),
        ("/staff/participants/", "group", "0 participants."),
        ("/staff/audit/", "actor", "No events match."),
    ):
        for bad in (HUGE, "-1", "999999", "x"):
            response = manager.get(path, {name: bad})
            assert response.status_code == 200, (path, name, bad)
            assert nothing in response.content.decode(), (path, name, bad)


def test_every_filter_of_every_staff_list_takes_any_value(world) -> None:
    errors: list[str] = []
    lists = staff_lists(world)
    for found in lists:
        found.client.raise_request_exception = False
        # Each parameter alone with the worst of the odd values, then
        # Hypothesis's mixtures over all of them.
        for name in found.parameters:
            for bad in (HUGE, "-1", "٣"):
                _ask(found, {name: bad}, errors)
        _mixtures(found, errors)
    assert len(lists) >= 8
    assert errors == [], "\n".join(errors[:10])


def _mixtures(found: StaffList, errors: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.dictionaries(st.sampled_from(found.parameters), ODD_VALUES, min_size=1))
    def ask(query: dict[str, str]) -> None:
        _ask(found, query, errors)

    ask()


def _ask(found: StaffList, query: dict[str, str], errors: list[str]) -> None:
    """The list answers as it does for any search: its own page (200, or 400 with
    the form's message for a non-id field such as a date), never a server error."""
    response = found.client.get(found.path, query)
    if response.status_code >= 500 or response.status_code not in (200, 400):
        errors.append(f"{found.path} {query!r}: {response.status_code}")
    elif response["Content-Type"].startswith("text/csv"):
        # A form whose valid answer is a download (one account's reads between
        # two times, SPEC 12): the file is the right answer to valid values.
        response.getvalue()
    elif _filter_fields(response.content.decode()) != found.fields:
        errors.append(f"{found.path} {query!r}: not the list's own page")
