"""The service manager's monthly report: aggregates only, never her messages
(SPEC 2). It lives here, at the top of the Women's Support Service's apps,
because it counts check-ins as well as alerts, contacts and messages."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render

from checkins.selectors import casework_report as casework_selectors
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
