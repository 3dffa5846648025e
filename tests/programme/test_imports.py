"""CSV register import: dry run, every row checked, a bad file refused whole with
row-by-row errors, re-import idempotent, formula cells refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent
from programme.errors import RegisterImportError
from programme.models import Attendance, Participant, ProgrammeSession
from programme.services import imports, records

from ..conftest import sign_in

GOOD = (
    "group,date,time,reference,mark\n"
    "Thursday group,2026-11-05,18:30,P-7001,attended\n"
    "Thursday group,05/11/2026,18:30,P-7002,LATE\n"
    "Thursday group,2026-11-12,18:30,P-7001,missed\n"
)


def _upload(client: Client, text: str | bytes, name: str = "register.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/staff/register/import/", {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_good_file_previews_then_imports(world) -> None:
    client = sign_in(Client(), world.programme)
    preview = _upload(client, GOOD)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Nothing has been saved yet" in body
    assert "add 3 new marks" in body and "2 new sessions" in body
    assert Attendance.objects.count() == 0  # a dry run saves nothing
    assert ProgrammeSession.objects.filter(group=world.group).count() == 1

    confirm = client.post(
        "/staff/register/import/confirm/", {"data": preview.context["confirm_form"]["data"].value()}
    )
    assert confirm.status_code == 302
    sessions = ProgrammeSession.objects.filter(group=world.group).order_by("starts_at")
    assert sessions.count() == 3
    first = sessions.get(starts_at__date="2026-11-05")
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "18:30"
    marks = {
        (a.session.starts_at.date().isoformat(), a.participant.reference): a.mark
        for a in Attendance.objects.select_related("session", "participant")
    }
    assert marks == {
        ("2026-11-05", "P-7001"): "attended",
        ("2026-11-05", "P-7002"): "late",
        ("2026-11-12", "P-7001"): "missed",
    }
    assert AuditEvent.objects.filter(action="register.import", actor=world.programme).count() == 1


def test_importing_the_same_file_twice_changes_nothing(world) -> None:
    imports.register_import_apply(actor=world.programme, data=GOOD.encode())
    before = list(Attendance.objects.order_by("pk").values_list("pk", "mark", "recorded_at"))
    sessions_before = ProgrammeSession.objects.count()

    plan = imports.register_import_plan(data=GOOD.encode())
    assert (plan.new, plan.changed, plan.unchanged, plan.new_sessions) == (0, 0, 3, 0)
    client = sign_in(Client(), world.programme)
    response = client.post("/staff/register/import/confirm/", {"data": GOOD}, follow=True)
    assert "already recorded" in response.content.decode()
    after = list(Attendance.objects.order_by("pk").values_list("pk", "mark", "recorded_at"))
    assert after == before
    assert ProgrammeSession.objects.count() == sessions_before
    assert AuditEvent.objects.filter(action="register.import").count() == 1


def test_a_corrected_file_changes_only_the_corrected_mark(world) -> None:
    imports.register_import_apply(actor=world.programme, data=GOOD.encode())
    corrected = GOOD.replace("P-7001,missed", "P-7001,excused")
    plan = imports.register_import_apply(actor=world.programme, data=corrected.encode())
    assert (plan.new, plan.changed, plan.unchanged) == (0, 1, 2)
    assert Attendance.objects.filter(mark="excused").count() == 1


def test_bad_file_is_refused_whole_with_row_by_row_errors(world) -> None:
    bad = (
        "group,date,time,reference,mark\n"
        "Thursday group,2026-11-05,18:30,P-7001,attended\n"  # fine on its own
        "No such group,2026-11-05,18:30,P-7002,attended\n"
        "Thursday group,31/02/2026,18:30,P-7002,attended\n"
        "Thursday group,2026-11-05,7pm,P-9999,present\n"
        "Thursday group,2026-11-05,18:30,P-7001,late\n"
        "Thursday group,2026-11-05,18:30\n"
        'Thursday group,2026-11-05,18:30,=HYPERLINK("http://x"),attended\n'
    )
    client = sign_in(Client(), world.programme)
    response = _upload(client, bad)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems == [
        'Row 3: there is no group called "No such group".',
        'Row 4: "31/02/2026" is not a date (use YYYY-MM-DD or DD/MM/YYYY).',
        'Row 5: "7pm" is not a time (use HH:MM, 24-hour); there is no participant "P-9999"; '
        '"present" is not a mark (use attended, late, missed or excused).',
        "Row 6: P-7001 is already on row 2 for the same session.",
        "Row 7: has 3 cells; every row needs 5 (group, date, time, reference, mark).",
        "Row 8: the reference cell starts with a formula character.",
    ]
    assert "Nothing was changed" in response.content.decode()
    assert Attendance.objects.count() == 0
    assert ProgrammeSession.objects.count() == 1
    # The confirm step re-checks: posting a bad file there saves nothing either.
    confirm = client.post("/staff/register/import/confirm/", {"data": bad})
    assert confirm.status_code == 400
    assert Attendance.objects.count() == 0


def test_participant_from_another_group_is_refused(world) -> None:
    from ..factories import ParticipantFactory

    ParticipantFactory.create(reference="P-8000")  # in some other group
    with pytest.raises(RegisterImportError) as caught:
        imports.register_import_plan(
            data=b"group,date,time,reference,mark\nThursday group,2026-11-05,18:30,P-8000,late\n"
        )
    assert caught.value.rows == ["Row 2: P-8000 is not in Thursday group."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"group,date,time,reference,mark\n", "no rows"),
        (b"name,when,mark\nx,y,z\n", "first row must name the columns"),
        ("\ufffegroup".encode("utf-16"), "not a CSV file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV file"),
        (b'group,date,time,reference,mark\n"unterminated,2026-11-05', "not a CSV file"),
    ],
)
def test_files_that_are_not_registers_get_a_plain_message(world, content, message) -> None:
    client = sign_in(Client(), world.programme)
    response = _upload(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Attendance.objects.count() == 0


def test_missing_columns_are_named(world) -> None:
    with pytest.raises(RegisterImportError) as caught:
        imports.register_import_plan(data=b"group,date,reference,mark,notes\n")
    assert caught.value.rows[:2] == ["Missing column(s): time.", "Unknown column(s): notes."]


def test_excel_bom_and_column_order_and_case_are_accepted(world) -> None:
    text = (
        "\ufeffReference,Mark,Group,Date,Time\r\n"
        "P-7001,Attended,thursday group,2026-11-05,18:30\r\n"
    )
    plan = imports.register_import_apply(actor=world.programme, data=text.encode("utf-8"))
    assert plan.new == 1
    assert Attendance.objects.get().mark == "attended"


def test_too_many_rows_is_refused(world) -> None:
    rows = "".join(f"Thursday group,2026-11-05,18:30,P-{n},attended\n" for n in range(2001))
    with pytest.raises(RegisterImportError) as caught:
        imports.register_import_plan(data=("group,date,time,reference,mark\n" + rows).encode())
    assert caught.value.code == "too_big"


def test_no_file_chosen(world) -> None:
    client = sign_in(Client(), world.programme)
    response = client.post("/staff/register/import/", {})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()
    assert client.post("/staff/register/import/confirm/", {}).status_code == 400


def test_a_row_for_a_session_not_yet_started_is_refused(world) -> None:
    """SPEC 6 (attendance): a row dated next year was imported as attended."""
    next_year = timezone.localdate().year + 1
    text = (
        "group,date,time,reference,mark\n"
        "Thursday group,2026-11-05,18:30,P-7001,attended\n"
        f"Thursday group,{next_year}-03-05,18:30,P-7002,attended\n"
    )
    client = sign_in(Client(), world.programme)
    response = _upload(client, text)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Row 3: the session on 05/03/{next_year} at 18:30 has not started yet" in body
    with pytest.raises(RegisterImportError):
        imports.register_import_apply(actor=world.programme, data=text.encode())
    assert Attendance.objects.count() == 0
    assert not ProgrammeSession.objects.filter(starts_at__year=next_year).exists()


def test_the_import_says_whose_start_a_first_mark_recorded(world) -> None:
    """A first mark saying he was there records his start (SPEC 6), from a file too."""
    for reference, status in (("P-7001", "attending"), ("P-7002", "assessment")):
        records.status_change_record(
            actor=world.programme,
            participant=Participant.objects.get(reference=reference),
            status=status,
        )
    client = sign_in(Client(), world.programme)
    preview = _upload(client, GOOD)
    confirm = client.post(
        "/staff/register/import/confirm/",
        {"data": preview.context["confirm_form"]["data"].value()},
        follow=True,
    )
    said = confirm.content.decode()
    assert "First session attended, so the status of P-7002 is now Attending." in said
    assert "status of P-7001" not in said
    assert Participant.objects.get(reference="P-7002").status == "attending"
