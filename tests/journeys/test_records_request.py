"""She asks for a copy of everything the service holds about her (SPEC 12):
the service manager records her request on her case, waits while the export
is made, and downloads one ZIP holding a readable document and a
machine-readable file of the same data, to give her within a month."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts import roles
from survivors.models import SubjectAccessRequest
from survivors.services import cases as cases_services
from tests.factories import staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # one Chromium in each process
]


def test_the_manager_records_her_request_and_downloads_her_records(site: str, open_browser) -> None:
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo", first_name="Mo")
    worker = staff_user(roles.WSS_WORKER, username="worker-wyn", first_name="Wyn")
    survivor, _code = cases_services.survivor_open(
        actor=manager, known_as="Delyth Recordswoman", worker=worker, issue_code=False
    )

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(manager))
    # 1. From her case's allocation page, she opens the records request.
    page.get_by_role("link", name="Cases and allocations").click()
    page.get_by_role("link", name=f"Change case {survivor.pk}").click()
    page.get_by_role("link", name=re.compile("her copy of what we hold")).click()
    expect(page.get_by_role("heading", name=f"Case {survivor.pk}: records request")).to_be_visible()
    # 2. She records the date the woman asked (today, filled in) and sends it.
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("status")).to_contain_text("Records request recorded")
    # 3. She waits until it is ready (the page reloads itself while it is made).
    expect(page.get_by_role("cell", name="Ready to download")).to_be_visible()
    # 4. The deadline shows on her list of every request.
    page.get_by_role("link", name="Records requests", exact=True).click()
    request = SubjectAccessRequest.objects.get(survivor=survivor)
    expect(page.get_by_role("cell", name=request.due_on.strftime("%-d %b %Y"))).to_be_visible()
    page.get_by_role("link", name=f"Case {survivor.pk}").click()
    # 5. She downloads the ZIP: the document to read and the data file, both hers.
    with page.expect_download() as started:
        page.get_by_role("link", name=re.compile("Download")).click()
    download = started.value
    assert download.suggested_filename == f"records-{request.pk}.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    names = sorted(archive.namelist())
    assert names == [f"records-{request.pk}.html", f"records-{request.pk}.json"]
    html = archive.read(names[0]).decode()
    data = json.loads(archive.read(names[1]))
    assert "Delyth Recordswoman" in html
    assert data["case"]["known_as"] == "Delyth Recordswoman"
    # Staff by role: she did not choose to name them.
    assert "worker-wyn" not in html and "WSS worker" in html
    request.refresh_from_db()
    assert request.downloads == 1
