"""The service manager's monthly report: aggregates only, never her messages
(SPEC 2). It lives here, at the top of the Women's Support Service's apps,
because it counts check-ins as well as alerts, contacts and messages."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from checkins.selectors import casework_report as casework_selectors
from checkins.selectors import commissioner_report as commissioner_selectors
from checkins.selectors import first_contact_report as first_contact_selectors
from checkins.selectors import reports as reports_selectors
from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.spreadsheet import csv_safe
from contacts.views.common import staff_page

reports_page = staff_page(policy.can_read_audit_and_reports)


@reports_page
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = reports_selectors.monthly_report()
    casework = casework_selectors.casework_report()
    return render(
        request,
        "staff/reports.html",
        {
            "report": report,
            "casework": casework,
            "bars": casework_selectors.chart_bars(casework),
            "chart_width": casework_selectors.CHART_WIDTH,
            "chart_height": casework_selectors.CHART_HEIGHT,
            "chart_bottom": casework_selectors.CHART_BOTTOM,
        },
    )


@reports_page
def reports_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = reports_selectors.monthly_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="monthly-report.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(cell) for cell in ["", *report.month_labels]])
    for row in report.rows:
        writer.writerow([csv_safe(cell) for cell in [row.label, *row.cells]])
    # Her casework, with the same suppression as the page (SPEC 9).
    casework = casework_selectors.casework_report()
    if casework.months:
        writer.writerow([])
        writer.writerow([csv_safe(cell) for cell in ["Casework", *casework.column_labels]])
        for casework_row in casework.rows:
            writer.writerow([csv_safe(cell) for cell in [casework_row.label, *casework_row.shown]])
    return response


@reports_page
def first_contact(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first-contact figures by month and source (SPEC 13)."""
    report = first_contact_selectors.first_contact_report()
    return render(
        request,
        "staff/first_contact_report.html",
        {
            "report": report,
            "tables": report.tables(),
            "headings": first_contact_selectors.HEADINGS,
            "withheld_median": first_contact_selectors.WITHHELD_MEDIAN,
            "targets": first_contact_selectors.targets(),
        },
    )


@reports_page
def first_contact_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = first_contact_selectors.first_contact_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="first-contact.csv"'
    writer = csv.writer(response)
    for row in report.csv_rows():
        writer.writerow([csv_safe(cell) for cell in row])
    return response


def _commissioner_period(request: AuthenticatedHttpRequest) -> commissioner_selectors.Period:
    return commissioner_selectors.parse_period(
        period=request.GET.get("period"), year=request.GET.get("year")
    )


@reports_page
def commissioner(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The commissioner report (SPEC 14): a quarter or a calendar year."""
    quarters, years = commissioner_selectors.period_choices()
    try:
        period = _commissioner_period(request)
    except commissioner_selectors.PeriodError as error:
        period = commissioner_selectors.parse_period()
        messages.error(request, str(error))
    report = commissioner_selectors.commissioner_report(period)
    query = f"year={period.key}" if period.is_year else f"period={period.key}"
    return render(
        request,
        "staff/commissioner_report.html",
        {
            "report": report,
            "tables": [(table, report.lines(table)) for table in report.tables],
            "bars": report.activity_bars() if report.quarters else [],
            "question_charts": report.question_charts() if report.quarters else [],
            "quarter_choices": quarters,
            "year_choices": years,
            "csv_query": query,
            "chart": {
                "width": commissioner_selectors.CHART_WIDTH,
                "label": commissioner_selectors.CHART_LABEL,
                "bar": commissioner_selectors.CHART_BAR,
                "gap": commissioner_selectors.CHART_GAP,
                "font": commissioner_selectors.CHART_FONT,
                "withheld_width": commissioner_selectors.CHART_WITHHELD,
                "activity_height": commissioner_selectors.activity_chart_height(4),
                "question_height": commissioner_selectors.QUESTION_CHART_HEIGHT,
            },
        },
    )


@reports_page
def commissioner_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        period = _commissioner_period(request)
    except commissioner_selectors.PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    report = commissioner_selectors.commissioner_report(period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="commissioner-{period.key}.csv"'
    writer = csv.writer(response)
    for row in report.csv_rows():
        writer.writerow([csv_safe(cell) for cell in row])
    return response
