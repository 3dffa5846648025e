"""Staff pages say things in words a support worker uses (SPEC 3): labels are
names, not field paths; counts take the right plural; an audit row says which
case was read."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import Site

from ..conftest import sign_in


def _labels(body: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", body, re.S)
    ]


def test_the_staff_accounts_filter_is_labelled_role(world) -> None:
    labels = _labels(sign_in(Client(), world.manager).get("/staff/people/").content.decode())
    assert "Role" in labels
    assert "Groups name" not in labels


def test_the_branding_settings_name_the_quick_exit_address_and_text_sender(world, pages) -> None:
    site = Site.objects.get(is_default_site=True)
    page = sign_in(Client(), world.comms).get(f"/editor/settings/cms/brandingsettings/{site.pk}/")
    assert page.status_code == 200
    labels = [label.rstrip(" *") for label in _labels(page.content.decode())]  # * = required
    assert "Quick exit address" in labels
    assert "Text message sender name" in labels
    assert not {"Quick exit url", "Sms sender name"} & set(labels)


def _preview(client: Client, rows: list[str]) -> str:
    data = "\n".join(["group,date,time,reference,mark", *rows]).encode()
    response = client.post(
        "/staff/register/import/", {"file": SimpleUploadedFile("register.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_register_import_counts_marks_in_words(world) -> None:
    client = sign_in(Client(), world.programme)
    one = _preview(client, ["Thursday group,2026-11-05,18:30,P-7001,attended"])
    assert "add 1 new mark," in one and "add 1 new session." in one
    assert "Import 1 row<" in one
    two = _preview(
        client,
        [
            "Thursday group,2026-11-05,18:30,P-7001,attended",
            "Thursday group,2026-11-05,18:30,P-7002,late",
        ],
    )
    assert "add 2 new marks," in two and "Import 2 rows<" in two
    assert "(s)" not in one + two
    done = client.post(
        "/staff/register/import/confirm/",
        {"data": "group,date,time,reference,mark\nThursday group,2026-11-05,18:30,P-7001,missed"},
        follow=True,
    )
    assert "Imported: 1 new mark, 0 changed, 0 already recorded, 1 new session." in (
        done.content.decode()
    )


def test_reading_one_cases_allocation_is_audited_with_the_case(world) -> None:
    manager = sign_in(Client(), world.manager)
    case = world.survivor_b.pk
    assert manager.get(f"/staff/allocations/{case}/").status_code == 200
    log = manager.get("/staff/audit/", {"case": case}).content.decode()
    assert f"Read case {case}&#x27;s allocation" in log or f"Read case {case}'s allocation" in log
    assert "Read the allocations" not in log
