"""The confidentiality matrix (SPEC 2): every URL pattern the project serves ×
every role → the expected answer, from one table.

Outcomes:
  OK    the page is served to this role (2xx, a form error 400, or a redirect
        that is not to a sign-in page);
  NO    refused: 403, 404, or a redirect to the staff sign-in page;
  OTP   a staff member without a verified TOTP device is sent to set one up
        or enter a code;
  EXIT  quick exit / sign-out: a redirect to the neutral exit destination;
  DELEGATED  inside the Wagtail admin, past our own guard, Wagtail's own
        page permissions decide (we check the admin's front door instead).

A pattern that is in the project but not in this table fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse

if TYPE_CHECKING:
    # What Django's test client returns: a response with the request attached
    # (django-stubs' name for it).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse
from django.urls import URLPattern, URLResolver, get_resolver

OK, NO, OTP, EXIT, DELEGATED = "OK", "NO", "OTP", "EXIT", "DELEGATED"

ROLES = (
    "anonymous",
    "survivor_a",
    "survivor_b",
    "wss_a",
    "wss_other",
    "programme",
    "comms",
    "manager",
    "no_otp",
)
PERPETRATOR_SIDE = ("programme",)


def row(default: str, **overrides: str) -> dict[str, str]:
    answer = dict.fromkeys(ROLES, default)
    for role, value in overrides.items():
        assert role in ROLES, role
        answer[role] = value
    return answer


# Shorthands for the usual shapes of a row.
EVERYONE = row(OK)
STAFF_ANY = row(OK, anonymous=NO, survivor_a=NO, survivor_b=NO, no_otp=OTP)
PROGRAMME_READ = row(NO, programme=OK, manager=OK, no_otp=OTP)
PROGRAMME_WRITE = row(NO, programme=OK, no_otp=OTP)
WSS_OWN = row(NO, wss_a=OK, no_otp=OTP)  # object of survivor A: only her worker
WSS_ANY = row(NO, wss_a=OK, wss_other=OK, no_otp=OTP)
MANAGER = row(NO, manager=OK, no_otp=OTP)
PRE_OTP = row(NO, wss_a=OK, wss_other=OK, programme=OK, comms=OK, manager=OK, no_otp=OK)
# A survivor's own pages (SPEC 4): only a signed-in survivor, her own data.
SURVIVOR_OWN = row(NO, survivor_a=OK, survivor_b=OK)
# Staff sign-in page: survivors never reach the staff area at all.
STAFF_SIGN_IN = row(OK, survivor_a=NO, survivor_b=NO)


@dataclass(frozen=True)
class Entry:
    expected: dict[str, str]
    method: str = "GET"
    example: str | None = None  # a concrete path, where the pattern is a regex
    logs_out: bool = False
    data: dict[str, str] = field(default_factory=dict)
    # Query strings the page also answers (search, filters, sort, page): each is
    # asked of every role too and must get the same answer as the bare page.
    queries: tuple[str, ...] = ()


# The lists' query strings (SPEC 2, SPEC 8): a search, each filter, each sort order,
# a page past the end and nonsense; none may change who gets what.
PROGRAMME_LIST_QUERIES = (
    "q=7001",
    "q=Canary&status=attending&sort=-status",
    "sort=group&page=2",
    "page=999",
    "status=nonsense&group=abc&sort=bogus&page=x",
)
GROUP_QUERIES = ("q=Thursday", "sort=-size&page=2", "sort=bogus&page=-1")
SESSION_QUERIES = (
    "date_from=2026-01-01&date_to=2026-12-31&sort=date",
    "date_from=2026-12-31&date_to=2026-01-01",
)
ALLOCATION_QUERIES = (
    "case=1",
    "worker=1&allocation=unlinked&sort=-worker",
    "allocation=none&page=3",
    "case=abc&worker=x",
)
DISCLOSURE_QUERIES = (
    "case=1&basis=consent",
    "date_from=2026-01-01&date_to=2026-12-31&sort=case",
    "date_from=x&page=0",
)
STAFF_QUERIES = ("q=worker&role=WSS+worker&active=true&sort=-last_sign_in", "role=nonsense&page=9")
AUDIT_QUERIES = (
    "action=thread.view&case=1",
    "date_from=2026-01-01&date_to=2025-01-01",
    "actor=x&page=2",
)
DUTY_QUERIES = ("kind=duress&case=1&page=2", "kind=nonsense")


# Exact patterns, as Django's resolver spells their full route.
TABLE: dict[str, Entry] = {
    "": Entry(EVERYONE),
    "leave/": Entry(row(EXIT), logs_out=True),
    "healthz": Entry(EVERYONE),
    "ping": Entry(EVERYONE),
    # --- Survivor portal (SPEC 4) --------------------------------------------------
    # Her pages carry no ids: each survivor reaches only her own record through her
    # session, so survivor B can never name survivor A's objects. Everyone else is
    # sent to the portal sign-in ("/"), which counts as NO. Staff never act as her.
    "start/": Entry(row(OK, survivor_a=NO, survivor_b=NO)),
    "settings/": Entry(SURVIVOR_OWN),
    "settings/pause/": Entry(SURVIVOR_OWN, method="POST"),
    "settings/second-passphrase/": Entry(SURVIVOR_OWN),
    "sign-out/": Entry(row(NO), method="POST", logs_out=True),
    # The language switch (SPEC 11): anyone may choose the language of the pages
    # (signed in, she stores it on her account); it goes back to a local page.
    "language/": Entry(EVERYONE, method="POST", data={"language": "cy", "next": "/pages/"}),
    "staff/": Entry(STAFF_ANY),
    "staff/login/": Entry(STAFF_SIGN_IN),
    # Signing out lands everyone on the sign-in page.
    "staff/logout/": Entry(row(NO), method="POST", logs_out=True),
    # Staff who have an authenticator enter a code; those without set one up.
    "staff/otp/verify/": Entry({**PRE_OTP, "no_otp": OTP}),
    "staff/otp/setup/": Entry(row(OTP, anonymous=NO, survivor_a=NO, survivor_b=NO, no_otp=OK)),
    # Change my password (SPEC 8): any staff member, after TOTP.
    "staff/password/": Entry(STAFF_ANY),
    # Her own backup codes and sign-in (SPEC 8): any staff member, after TOTP.
    "staff/security/": Entry(STAFF_ANY),
    "staff/groups/": Entry(PROGRAMME_READ, queries=GROUP_QUERIES),
    "staff/groups/<int:group_id>/": Entry(PROGRAMME_READ, queries=SESSION_QUERIES),
    "staff/participants/": Entry(PROGRAMME_READ, queries=PROGRAMME_LIST_QUERIES),
    "staff/participants/<int:participant_id>/": Entry(PROGRAMME_READ),
    "staff/participants/<int:participant_id>/status/": Entry(PROGRAMME_WRITE, method="POST"),
    "staff/participants/<int:participant_id>/concerns/": Entry(PROGRAMME_WRITE, method="POST"),
    # He was told about a concern, so it goes into his copy of his records (SPEC 12).
    "staff/participants/<int:participant_id>/concerns/<int:concern_id>/told/": Entry(
        PROGRAMME_WRITE, method="POST"
    ),
    "staff/caseload/": Entry(WSS_ANY),
    "staff/cases/<int:case_id>/": Entry(WSS_OWN),
    "staff/allocations/": Entry(MANAGER, queries=ALLOCATION_QUERIES),
    # One case's allocation page (SPEC 2): one worker list, the link by reference.
    "staff/allocations/<int:case_id>/": Entry(MANAGER),
    # --- Staff side (SPEC 3, SPEC 6) ---
    # Programme side: programme workers record; managers read.
    "staff/groups/new/": Entry(PROGRAMME_WRITE),
    "staff/groups/<int:group_id>/sessions/new/": Entry(PROGRAMME_WRITE, method="POST"),
    "staff/sessions/<int:session_id>/": Entry(PROGRAMME_READ),
    "staff/sessions/<int:session_id>/clear/": Entry(PROGRAMME_WRITE, method="POST"),
    "staff/sessions/<int:session_id>/topic/": Entry(PROGRAMME_WRITE, method="POST"),
    "staff/register/import/": Entry(PROGRAMME_WRITE),
    "staff/register/import/confirm/": Entry(PROGRAMME_WRITE, method="POST"),
    "staff/participants/new/": Entry(PROGRAMME_WRITE),
    # Her own worker only (the example case is survivor A's; the alert is hers, not urgent).
    "staff/cases/<int:case_id>/contacts/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/disclosures/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/safe-contact/": Entry(WSS_OWN),
    "staff/cases/<int:case_id>/code/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/unlock/": Entry(WSS_OWN, method="POST"),
    "staff/alerts/<int:alert_id>/": Entry(WSS_OWN),
    # Her casework (SPEC 9): her own worker only; never the programme side.
    "staff/cases/<int:case_id>/stage/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/reengage/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/checklist/": Entry(WSS_OWN),
    "staff/cases/<int:case_id>/checklist/<int:assessment_id>/": Entry(WSS_OWN),
    "staff/cases/<int:case_id>/marac/refer/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/marac/close/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/plan/": Entry(WSS_OWN),
    # Designated duty workers only (none among the matrix roles; tests/survivors covers one).
    "staff/duty/": Entry(row(NO, no_otp=OTP), queries=DUTY_QUERIES),
    # Cover (SPEC 9): a covered case, for the duty worker while her worker is away
    # (no duty worker among the matrix roles, and nobody away: refused alike).
    "staff/duty/cases/<int:case_id>/": Entry(row(NO, no_otp=OTP)),
    # Marking time away: any WSS worker (herself) or a manager (any WSS worker).
    "staff/away/": Entry(row(NO, wss_a=OK, wss_other=OK, manager=OK, no_otp=OTP)),
    # Ending one: hers only (the example id exists for nobody: refused alike).
    "staff/away/<int:absence_id>/end/": Entry(row(NO, no_otp=OTP), method="POST"),
    "staff/account/": Entry(STAFF_ANY),
    # Service manager.
    "staff/allocations/new/": Entry(MANAGER),
    "staff/allocations/<int:case_id>/link/": Entry(MANAGER, method="POST"),
    "staff/allocations/<int:case_id>/code/": Entry(MANAGER, method="POST"),
    "staff/allocations/<int:case_id>/unlock/": Entry(MANAGER, method="POST"),
    "staff/allocations/<int:case_id>/sessions/": Entry(MANAGER, method="POST"),
    "staff/people/": Entry(MANAGER, queries=STAFF_QUERIES),
    "staff/people/new/": Entry(MANAGER),
    "staff/people/<int:user_id>/": Entry(MANAGER),
    "staff/people/<int:user_id>/sessions/": Entry(MANAGER, method="POST"),
    "staff/people/<int:user_id>/authenticator/": Entry(MANAGER, method="POST"),
    "staff/people/<int:user_id>/password/": Entry(MANAGER, method="POST"),
    "staff/audit/": Entry(MANAGER, queries=AUDIT_QUERIES),
    "staff/audit/export.csv": Entry(MANAGER, queries=AUDIT_QUERIES),
    "staff/disclosures/": Entry(MANAGER, queries=DISCLOSURE_QUERIES),
    "staff/reports/": Entry(MANAGER),
    "staff/reports/monthly.csv": Entry(MANAGER),
    # Retention schedule and runs (SPEC 12): counts only, the manager.
    "staff/retention/": Entry(MANAGER),
    # --- Check-ins and SMS (SPEC 5) ---
    # Her own worker sets her plan; the manager words the texts.
    "staff/cases/<int:case_id>/check-ins/": Entry(WSS_OWN),
    "staff/texts/": Entry(MANAGER),
    # Twilio's webhooks: reachable by anyone, but unsigned requests get 403.
    "sms/inbound/": Entry(row(NO), method="POST"),
    "sms/status/": Entry(row(NO), method="POST"),
    # --- The message line (SPEC 4): her own thread, through her session only ---
    "messages/": Entry(row(NO, survivor_a=OK, survivor_b=OK)),
    "messages/clear/": Entry(row(NO, survivor_a=OK, survivor_b=OK), method="POST"),
    # Her plan ("My plan", SPEC 9): her own, through her session only.
    "plan/": Entry(SURVIVOR_OWN),
    "staff/cases/<int:case_id>/messages/": Entry(WSS_OWN),
    # --- Working with the programme without a leak (SPEC 10) ---
    # The programme side: the monthly list (managers read it), the entry and
    # report forms (programme workers only), the same for every man.
    "staff/case-management/": Entry(PROGRAMME_READ),
    "staff/participants/<int:participant_id>/case-management/": Entry(PROGRAMME_WRITE),
    "staff/participants/<int:participant_id>/reports/": Entry(PROGRAMME_WRITE),
    # What reached survivor A's case: only her own worker.
    "staff/case-items/<int:item_id>/": Entry(WSS_OWN),
    "staff/case-items/<int:item_id>/shared/": Entry(WSS_OWN, method="POST"),
    "staff/case-items/<int:item_id>/show/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/case-management/": Entry(WSS_OWN),
    # Her data rights (SPEC 12): erasure, refusal, restriction, legal hold; the
    # service manager only (an empty form changes nothing: 400).
    "staff/cases/<int:case_id>/erase/": Entry(MANAGER),
    "staff/cases/<int:case_id>/erase/refuse/": Entry(MANAGER, method="POST"),
    "staff/cases/<int:case_id>/restrict/": Entry(MANAGER),
    "staff/cases/<int:case_id>/hold/": Entry(MANAGER),
    # Her notes from her worker: her own, through her session only.
    "notes/": Entry(SURVIVOR_OWN),
    # Information sessions: the manager sets up; WSS workers invite from their
    # own caseload; the programme worker lists his own with a head count only.
    "staff/info-sessions/": Entry(
        row(NO, wss_a=OK, wss_other=OK, programme=OK, manager=OK, no_otp=OTP)
    ),
    "staff/info-sessions/new/": Entry(MANAGER),
    "staff/info-sessions/<int:info_session_id>/": Entry(WSS_ANY),
    # Who read her record, breaches (SPEC 12): her access log for her worker and
    # the manager; access alerts, the breach register and one account's audit
    # rows for the manager only. Never the programme side.
    "staff/cases/<int:case_id>/reads/": Entry(row(NO, wss_a=OK, manager=OK, no_otp=OTP)),
    "staff/access-alerts/": Entry(MANAGER, queries=("page=2", "page=x")),
    "staff/access-alerts/<int:access_alert_id>/": Entry(MANAGER, method="POST"),
    "staff/breaches/": Entry(MANAGER),
    "staff/breaches/new/": Entry(MANAGER),
    "staff/breaches/<int:breach_id>/": Entry(MANAGER),
    "staff/people/<int:user_id>/reads.csv": Entry(
        MANAGER,
        queries=("from=2026-01-01T00:00&to=2026-12-31T00:00", "from=nonsense&to=2026-01-01"),
    ),
    # His records request (SPEC 12): a programme worker or the manager records it;
    # only whoever recorded it downloads its file (the example's: the programme worker).
    "staff/participants/<int:participant_id>/records-request/": Entry(PROGRAMME_READ),
    "staff/participants/<int:participant_id>/records-request/<int:records_request_id>/download/": (
        Entry(row(NO, programme=OK, no_otp=OTP))
    ),
    # Information pages (Wagtail serves them; readable without signing in).
    r"^pages/((?:[\w\-]+/)*)$": Entry(EVERYONE, example="/pages/"),
    "pages/_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        Entry(row(NO))  # no such restriction exists: 404 for everyone alike
    ),
    # Wagtail documents: none are published, so 404 for everyone alike.
    r"files/^(\d+)/(.*)$": Entry(row(NO), example="/files/1/x.pdf"),
    "files/authenticate_with_password/<int:restriction_id>/": Entry(row(NO)),
    # --- Her data rights (SPEC 12) ---
    # Her records request: her own worker or the manager records it and sees its
    # progress; only whoever recorded one downloads it (the example id exists for
    # nobody: refused alike); the manager lists them all with their deadlines.
    "staff/cases/<int:case_id>/records-request/": Entry(row(NO, wss_a=OK, manager=OK, no_otp=OTP)),
    "staff/records-requests/<int:request_id>/download/": Entry(row(NO, no_otp=OTP)),
    "staff/records-requests/": Entry(MANAGER),
    # --- Referrals and first contact (SPEC 13): partner details he names leave the
    # programme side, one way. Whoever records on his record (the programme
    # worker) enters them; the manager, who only reads it, is refused.
    "staff/participants/<int:participant_id>/passed-on/": Entry(PROGRAMME_WRITE),
    # --- Referrals and first contact (SPEC 13): the triage queue ---
    # Any WSS worker or the manager records an agency's referral; the queue and
    # a referral's triage are the manager's and the duty worker's (no matrix role
    # is the duty worker: tests/survivors/test_referrals.py covers her). The
    # decisions are posted empty here: refused as incomplete, nothing decided.
    "staff/referrals/new/": Entry(row(NO, wss_a=OK, wss_other=OK, manager=OK, no_otp=OTP)),
    "staff/referrals/": Entry(MANAGER),
    "staff/referrals/<int:referral_id>/": Entry(MANAGER),
    "staff/referrals/<int:referral_id>/allocate/": Entry(MANAGER, method="POST"),
    "staff/referrals/<int:referral_id>/join/": Entry(MANAGER, method="POST"),
    "staff/referrals/<int:referral_id>/decline/": Entry(MANAGER, method="POST"),
    # --- Referrals and first contact (SPEC 13): her request to be contacted ---
    # A public page of her portal's site: anyone may load it (signed in or not,
    # staff too); its thank-you page is the same for everyone.
    "get-in-touch/": Entry(EVERYONE),
    "get-in-touch/thanks/": Entry(EVERYONE),
    # --- Referrals and first contact (SPEC 13): the first-contact clock ---
    # The manager's first-contact figures and their CSV: aggregates, manager only.
    "staff/reports/first-contact/": Entry(MANAGER),
    "staff/reports/first-contact.csv": Entry(MANAGER),
    # --- SPEC 13 matrix rows for Outcomes, with her consent (SPEC 14): consent and
    # questions. Her choice and, at her request, deleting her answers: her worker
    # only (posted empty here: refused as incomplete, or the confirmation page).
    # The questions, held as data: the service manager only.
    "staff/cases/<int:case_id>/outcomes/consent/": Entry(WSS_OWN, method="POST"),
    "staff/cases/<int:case_id>/outcomes/delete-answers/": Entry(WSS_OWN, method="POST"),
    "staff/outcome-questions/": Entry(MANAGER),
    "staff/outcome-questions/new/": Entry(MANAGER),
    "staff/outcome-questions/<int:question_id>/": Entry(MANAGER),
    # --- Outcomes, with her consent (SPEC 13 matrix; SPEC 14): answering a
    # check-point. Her worker records her answers (a due check-point on survivor
    # A's case); she answers hers in her portal, through her session only.
    "staff/cases/<int:case_id>/check-points/<int:check_point_id>/": Entry(WSS_OWN),
    "your-views/": Entry(SURVIVOR_OWN),
    # --- SPEC 13 matrix, SPEC 14 topic: the commissioner report ---
    # The manager's quarterly and yearly figures and their CSV: aggregates,
    # manager only.
    "staff/reports/commissioner/": Entry(MANAGER),
    "staff/reports/commissioner.csv": Entry(MANAGER),
}

# Whole areas whose every pattern shares one rule (hundreds of admin views).
PREFIX_TABLE: dict[str, Entry] = {
    # Wagtail admin: comms staff and managers; our guard refuses everyone else
    # before Wagtail sees the request.
    "editor/": Entry(row(NO, comms=DELEGATED, manager=DELEGATED, no_otp=OTP)),
    # Django admin: operations superusers only.
    "ops/": Entry(row(NO, no_otp=OTP)),
}
# The front doors of the delegated areas, checked as OK for the roles that may enter.
FRONT_DOORS = {"editor/": "/editor/"}


def iter_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from iter_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def entry_for(route: str) -> Entry | None:
    if route in TABLE:
        return TABLE[route]
    for prefix, entry in PREFIX_TABLE.items():
        if route.startswith(prefix):
            return entry
    return None


def unlisted_patterns() -> list[str]:
    return [route for route in iter_patterns() if entry_for(route) is None]


_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*(?:\([^()]*\)[^()]*)*\)[*+?]?")


def example_path(route: str, entry: Entry, ids: dict[str, int]) -> str:
    if entry.example:
        return entry.example
    path = _CONVERTER.sub(lambda m: str(ids.get(m.group("name"), 1)), route)
    if "^" in path or "(" in path or "$" in path:
        path = _REGEX_GROUP.sub("1", path)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        path = re.sub(r"[?*+]", "", path)
    return "/" + path


def classify(response: HttpResponse | TestResponse) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(settings.QUICK_EXIT_URL) or location.startswith("https://www.bbc"):
            return EXIT
        if location.startswith("/staff/otp/"):
            return OTP
        if location.startswith("/staff/login/"):
            return NO
        if location == "/" or location.startswith("/?"):
            return NO  # sent to the portal sign-in: her pages need her session
        return OK
    if status in (403, 404):
        return NO
    if 200 <= status < 300 or status == 400:
        return OK
    return f"HTTP {status}"


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def links_in(body: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(body)
    return parser.links


def canary_hits(response: HttpResponse | TestResponse, canaries: list[str]) -> list[str]:
    text = response.content.decode("utf-8", "replace")
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    return [canary for canary in canaries if canary in text or canary in headers]
