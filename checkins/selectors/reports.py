"""Aggregate reports for funders, by month (SPEC 3: the manager sees aggregates).

Small-number suppression: any count below 5 (including 0) is shown as
"fewer than 5", so a reader cannot single out a woman. No totals are shown,
because a total next to suppressed cells lets a reader work them out. Months
before the service had any case are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from checkins.models import CheckIn
from survivors.models import Alert, Allocation, ContactLogEntry, Message, Survivor

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "fewer than 5"
UK = ZoneInfo("Europe/London")


def suppress(count: int) -> str:
    return SUPPRESSED if count < SUPPRESSION_THRESHOLD else str(count)


@dataclass
class ReportRow:
    label: str
    cells: list[str]


@dataclass
class Report:
    months: list[date]
    rows: list[ReportRow]

    @property
    def month_labels(self) -> list[str]:
        return [month.strftime("%b %Y") for month in self.months]


def _months(end: date, count: int) -> list[date]:
    months = []
    year, month = end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _start(month: date) -> datetime:
    return datetime.combine(month, time.min, tzinfo=UK)


def _by_month(queryset: QuerySet[Any], field: str, months: list[date]) -> Counter[date]:
    rows = (
        queryset.filter(**{f"{field}__gte": _start(months[0])})
        .filter(**{f"{field}__lt": _start(_next_month(months[-1]))})
        .annotate(month=TruncMonth(field, tzinfo=UK))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["month"].date(): row["n"] for row in rows})


def monthly_report(*, months: int = 12, ending: date | None = None) -> Report:
    ending = ending or timezone.localdate()
    month_list = _months(ending, months)
    # Months before the service had any case are left out: "fewer than 5"
    # there would suggest women who were never there.
    first_case = Survivor.objects.aggregate(first=Min("referred_at"))["first"]
    if first_case is None:
        return Report(months=[], rows=[])
    local = first_case.astimezone(UK)
    month_list = [month for month in month_list if month >= date(local.year, local.month, 1)]
    if not month_list:
        return Report(months=[], rows=[])
    first, after = _start(month_list[0]), _start(_next_month(month_list[-1]))

    supported: dict[date, set[int]] = {month: set() for month in month_list}
    allocations = Allocation.objects.filter(started_at__lt=after).exclude(ended_at__lt=first)
    for survivor_id, started, ended in allocations.values_list(
        "survivor_id", "started_at", "ended_at"
    ):
        for month in month_list:
            if started < _start(_next_month(month)) and (ended is None or ended >= _start(month)):
                supported[month].add(survivor_id)

    contacts = _by_month(ContactLogEntry.objects.all(), "happened_at", month_list)
    answered = _by_month(
        CheckIn.objects.filter(answered_at__isnull=False), "answered_at", month_list
    )
    from_her = _by_month(Message.objects.filter(from_survivor=True), "created_at", month_list)
    from_workers = _by_month(Message.objects.filter(from_survivor=False), "created_at", month_list)
    rows = [
        ReportRow("Women supported", [suppress(len(supported[m])) for m in month_list]),
        ReportRow("Messages from women", [suppress(from_her[m]) for m in month_list]),
        ReportRow("Messages from workers", [suppress(from_workers[m]) for m in month_list]),
        ReportRow(
            "Contacts made (calls, visits, texts)", [suppress(contacts[m]) for m in month_list]
        ),
        ReportRow("Check-ins answered", [suppress(answered[m]) for m in month_list]),
    ]
    alert_rows = (
        Alert.objects.filter(created_at__gte=first, created_at__lt=after)
        .annotate(month=TruncMonth("created_at", tzinfo=UK))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind: Counter = Counter({(row["month"].date(), row["kind"]): row["n"] for row in alert_rows})
    for kind, label in Alert.Kind.choices:
        rows.append(
            ReportRow(f"Alerts: {label}", [suppress(by_kind[(m, kind)]) for m in month_list])
        )
    return Report(months=month_list, rows=rows)
