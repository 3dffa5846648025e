"""Importing session registers from a CSV file (programme side).

The file
--------
UTF-8 CSV (Excel's "CSV UTF-8" is fine), comma-separated, the first row naming
the columns (any order, case-insensitive, extra columns refused):

=============  ==========================================================
column         what goes in it
=============  ==========================================================
``group``      the group's name exactly as on the Groups page
``date``       the session date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``
``time``       the session start, 24-hour UK local time, ``HH:MM``
``reference``  the participant's reference, e.g. ``P-1042``
``mark``       ``attended``, ``late``, ``missed`` or ``excused``
=============  ==========================================================

Example::

    group,date,time,reference,mark
    Thursday group,2026-11-05,18:30,P-1042,attended
    Thursday group,2026-11-05,18:30,P-1043,late

Rules
-----
* Every row is checked before anything is saved. If any row is wrong the whole
  file is refused, with one line per problem ("Row 4: …"), and nothing changes.
* A session that does not exist yet for that group, date and time is created.
* The participant must be a member of that group.
* Each person appears once per session in a file.
* Attendance is recorded only for sessions that have started: a row for a
  session whose start time is still to come is refused.
* A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  is refused: spreadsheets treat such cells as formulas (CSV injection).
* First a dry run shows what would change (new marks, changed marks,
  unchanged rows); nothing is saved until the worker confirms.
* Importing the same file again changes nothing: only marks that differ from
  what is stored are written.
* At most 2,000 rows and 1 MB per file.

Nothing here looks at survivors (SPEC 2): an import is the same work whether
or not anyone is linked to the men on the register.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from contacts.spreadsheet import FORMULA_STARTS
from programme.errors import RegisterImportError
from programme.models import (
    Attendance,
    AttendanceMark,
    Participant,
    ProgrammeGroup,
    ProgrammeSession,
)
from programme.services.records import attendance_apply

COLUMNS = ("group", "date", "time", "reference", "mark")
MAX_ROWS = 2000
MAX_BYTES = 1_000_000
UK = ZoneInfo("Europe/London")


@dataclass
class ImportRow:
    number: int  # the row number a spreadsheet would show (header is row 1)
    group: ProgrammeGroup
    starts_at: datetime
    participant: Participant
    mark: str
    session: ProgrammeSession | None = None
    current: str | None = None  # the stored mark, if any

    @property
    def action(self) -> str:
        if self.current is None:
            return "new"
        return "unchanged" if self.current == self.mark else "change"


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    new_sessions: int = 0
    # Men whose first mark in the file recorded their start (SPEC 6), once saved.
    started: list[Participant] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if row.action == "new")

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.action == "change")

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.action == "unchanged")


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise RegisterImportError("too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterImportError("not_csv") from error
    if "\x00" in text:
        raise RegisterImportError("not_csv")
    return text


def _parse_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _parse_time(value: str) -> time | None:
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        return None


def _read(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        lines = list(reader)
    except csv.Error as error:
        raise RegisterImportError("not_csv") from error
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if any(line)]
    if not numbered:
        raise RegisterImportError("empty")
    _, header = numbered[0]
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    extra = [name for name in names if name not in COLUMNS]
    if missing or extra or len(set(names)) != len(names):
        problems = []
        if missing:
            problems.append("Missing column(s): " + ", ".join(missing) + ".")
        if extra:
            problems.append("Unknown column(s): " + ", ".join(extra) + ".")
        if len(set(names)) != len(names):
            problems.append("A column is named twice.")
        problems.append("The columns are: " + ", ".join(COLUMNS) + ".")
        raise RegisterImportError("missing_columns", rows=problems)
    body = numbered[1:]
    if not body:
        raise RegisterImportError("empty")
    if len(body) > MAX_ROWS:
        raise RegisterImportError("too_big")
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in body:
        if len(line) != len(names):
            rows.append((number, {"__width__": str(len(line))}))
            continue
        rows.append((number, {name: cell.strip() for name, cell in zip(names, line, strict=True)}))
    return rows


def register_import_plan(*, data: bytes) -> ImportPlan:
    """Check every row of a register file and say what importing it would do.

    Raises ``RegisterImportError`` with one message per bad row; saves nothing."""
    rows = _read(_decode(data))
    groups = {group.name.lower(): group for group in ProgrammeGroup.objects.all()}
    references = {cells.get("reference", "") for _, cells in rows}
    participants = {
        p.reference.lower(): p for p in Participant.objects.filter(reference__in=references)
    }
    # Case-insensitive fallback for references typed in another case.
    if len(participants) < len(references):
        lowered = {r.lower() for r in references}
        for p in Participant.objects.only("pk", "reference", "group_id"):
            if p.reference.lower() in lowered:
                participants.setdefault(p.reference.lower(), p)
    problems: list[str] = []
    plan = ImportPlan()
    now = timezone.now()
    seen: dict[tuple[int, datetime, int], int] = {}
    for number, cells in rows:
        if "__width__" in cells:
            problems.append(
                f"Row {number}: has {cells['__width__']} cells; every row needs "
                f"{len(COLUMNS)} ({', '.join(COLUMNS)})."
            )
            continue
        row_problems = []
        for name in COLUMNS:
            if cells[name].startswith(FORMULA_STARTS):
                row_problems.append(f"the {name} cell starts with a formula character")
            elif not cells[name]:
                row_problems.append(f"the {name} is empty")
        if row_problems:
            problems.append(f"Row {number}: " + "; ".join(row_problems) + ".")
            continue
        group = groups.get(cells["group"].lower())
        day = _parse_date(cells["date"])
        start = _parse_time(cells["time"])
        participant = participants.get(cells["reference"].lower())
        mark = cells["mark"].lower()
        if group is None:
            row_problems.append(f'there is no group called "{cells["group"]}"')
        if day is None:
            row_problems.append(f'"{cells["date"]}" is not a date (use YYYY-MM-DD or DD/MM/YYYY)')
        if start is None:
            row_problems.append(f'"{cells["time"]}" is not a time (use HH:MM, 24-hour)')
        if participant is None:
            row_problems.append(f'there is no participant "{cells["reference"]}"')
        elif group is not None and participant.group_id != group.pk:
            row_problems.append(f"{participant.reference} is not in {group.name}")
        if mark not in AttendanceMark.values:
            row_problems.append(
                f'"{cells["mark"]}" is not a mark (use attended, late, missed or excused)'
            )
        # Each None above is a row problem; named again for the type checker.
        if row_problems or group is None or day is None or start is None or participant is None:
            problems.append(f"Row {number}: " + "; ".join(row_problems) + ".")
            continue
        starts_at = datetime.combine(day, start, tzinfo=UK)
        if starts_at > now:
            problems.append(
                f"Row {number}: the session on {starts_at:%d/%m/%Y} at {starts_at:%H:%M} has not "
                "started yet; attendance can be recorded from its start time."
            )
            continue
        key = (group.pk, starts_at, participant.pk)
        if key in seen:
            problems.append(
                f"Row {number}: {participant.reference} is already on row {seen[key]} "
                "for the same session."
            )
            continue
        seen[key] = number
        plan.rows.append(
            ImportRow(
                number=number, group=group, starts_at=starts_at, participant=participant, mark=mark
            )
        )
    if problems:
        raise RegisterImportError("bad_file", rows=problems)
    _attach_current(plan)
    return plan


def _attach_current(plan: ImportPlan) -> None:
    group_ids = {row.group.pk for row in plan.rows}
    starts = {row.starts_at for row in plan.rows}
    sessions = {
        (s.group_id, s.starts_at): s
        for s in ProgrammeSession.objects.filter(group_id__in=group_ids, starts_at__in=starts)
    }
    marks = {
        (a.session_id, a.participant_id): a.mark
        for a in Attendance.objects.filter(session__in=list(sessions.values()))
    }
    new_sessions = set()
    for row in plan.rows:
        row.session = sessions.get((row.group.pk, row.starts_at))
        if row.session is None:
            new_sessions.add((row.group.pk, row.starts_at))
            row.current = None
        else:
            row.current = marks.get((row.session.pk, row.participant.pk))
    plan.new_sessions = len(new_sessions)


def register_import_apply(*, actor: User, data: bytes) -> ImportPlan:
    """Check the file again and save it: all rows or none. Idempotent."""
    try:
        return _apply(actor=actor, data=data)
    except IntegrityError as error:
        # The same register was saved by someone else at the same moment.
        raise RegisterImportError("conflict") from error


def _apply(*, actor: User, data: bytes) -> ImportPlan:
    with transaction.atomic():
        plan = register_import_plan(data=data)
        sessions: dict[tuple[int, datetime], ProgrammeSession] = {}
        pairs: list[tuple[int, int, str]] = []
        for row in plan.rows:
            key = (row.group.pk, row.starts_at)
            if row.session is None and key not in sessions:
                session, created = ProgrammeSession.objects.get_or_create(
                    group=row.group, starts_at=row.starts_at
                )
                if created:
                    audit_record(actor=actor, action=AuditAction.SESSION_CREATE, obj=session)
                sessions[key] = session
            row.session = row.session or sessions[key]
            pairs.append((row.session.pk, row.participant.pk, row.mark))
        applied = attendance_apply(actor=actor, pairs=pairs)
        plan.started = applied.started
        if applied.changed or plan.new_sessions:
            audit_record(actor=actor, action=AuditAction.REGISTER_IMPORT)
    return plan
