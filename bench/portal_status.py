"""Her status page (SPEC 4: a cheap phone on a slow connection): at most 7 SQL
queries for a signed-in survivor whose man has a full history, the same
however long it is (the session, her account, her record with his, his
recent marks, the next session, its topic's translations, the status
explanation; one fewer when a shared cache holds the session), total transfer
(HTML + CSS + JS + tab icon) under 40 KB uncompressed, and no request to any
other origin.

Run: .venv/bin/python bench/portal_status.py
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta

from common import fail_if_any_failed, result
from staff_setup import with_test_database

QUERY_BUDGET = 7
BYTES_BUDGET = 40 * 1024


def _world():
    from django.utils import timezone

    from cms.management.commands.seed_pages import seed_pages
    from contacts import roles
    from contacts.models import User
    from programme.models import (
        Attendance,
        AttendanceMark,
        Participant,
        ProgrammeGroup,
        ProgrammeSession,
    )
    from survivors.models import Survivor

    roles.roles_ensure()
    seed_pages()
    author = User.objects.create_user(username="bench-programme", kind="staff")
    group = ProgrammeGroup.objects.create(name="Bench group")
    man = Participant.objects.create(reference="P-BENCH", group=group)
    now = timezone.now()
    marks = AttendanceMark.values
    for week in range(-30, 5):
        session = ProgrammeSession.objects.create(
            group=group, starts_at=now + timedelta(weeks=week)
        )
        if week < 0:
            Attendance.objects.create(
                session=session, participant=man, mark=marks[week % 4], recorded_by=author
            )
    from programme.services import records

    records.status_change_record(
        actor=author, participant=man, status="attending", reason="Back after a break"
    )
    user = User.objects.create_user(username="bench-portal", kind="survivor")
    Survivor.objects.create(known_as="Bench", user=user, participant=man)
    return user


def run() -> bool:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = _world()
    client = Client()
    client.force_login(user)
    client.get("/")  # warm: a person already signed in
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and "His current status" in html, response.status_code
    rows = [
        result(
            "status page SQL queries",
            len(queries),
            f"<= {QUERY_BUDGET}",
            len(queries) <= QUERY_BUDGET,
        )
    ]
    if len(queries) > QUERY_BUDGET:
        for query in queries.captured_queries:
            print("   ", query["sql"][:160])

    resources = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    resources += re.findall(r'<img\b[^>]*?\bsrc="([^"]+)"', html)
    total = len(response.content)
    outside = [url for url in resources if not url.startswith("/") or url.startswith("//")]
    for url in resources:
        if url in outside:
            continue
        asset = client.get(url)
        body = asset.getvalue()  # the body, whether streamed or not
        assert asset.status_code == 200, url
        total += len(body)
        if url.endswith(".css"):
            for ref in re.findall(rb"url\(([^)]+)\)|@import", body):
                if ref and not ref.strip(b"'\"").startswith((b"/", b"data:")):
                    outside.append(ref.decode())
    rows.append(
        result(
            "status page transfer bytes (HTML+CSS+JS+icon)",
            total,
            f"< {BYTES_BUDGET}",
            total < BYTES_BUDGET,
        )
    )
    csp = response.get("Content-Security-Policy", "")
    self_only = "default-src 'self'" in csp and "http" not in csp
    rows.append(result("requests to other origins", len(outside), "0", not outside and self_only))
    fail_if_any_failed(rows)
    return True


if __name__ == "__main__":
    sys.exit(with_test_database(run))
