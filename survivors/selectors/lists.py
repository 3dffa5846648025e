"""The Women's Support Service (WSS) side's long lists, for the manager and the
duty worker: cases and allocations, disclosures, urgent alerts. Search, filters,
sort order and pages; reads only (the views audit the read)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from contacts import roles
from contacts.models import User
from contacts.selectors.listing import (
    DateRangeForm,
    IdFilter,
    ListPage,
    RecordChoiceFilter,
    StaffFilterSet,
    list_page,
)
from survivors.models import Alert, Disclosure, Survivor

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def wss_workers() -> QuerySet[User]:
    """Every WSS worker account, open or closed (a closed one may still hold cases)."""
    return User.objects.filter(kind=User.Kind.STAFF, groups__name=roles.WSS_WORKER).order_by(
        "username"
    )


class WorkerFilter(RecordChoiceFilter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("queryset", wss_workers())
        kwargs.setdefault("empty_label", "Any worker")
        kwargs.setdefault("label", "Worker")
        super().__init__(*args, **kwargs)


class AllocationFilter(StaffFilterSet):
    case = IdFilter(field_name="pk", label="Case number")
    worker = WorkerFilter(field_name="worker")
    allocation = django_filters.ChoiceFilter(
        label="Allocation",
        choices=[
            ("none", "Unallocated"),
            ("closed", "Worker's account closed"),
            ("unlinked", "Not linked to a participant"),
        ],
        empty_label="All cases",
        method="by_allocation",
    )
    sort = django_filters.OrderingFilter(
        fields=(("pk", "case"), ("worker__username", "worker"), ("allocated_at", "allocated")),
        field_labels={"pk": "Case", "worker__username": "Worker", "allocated_at": "Allocated"},
        label="Sort by",
        empty_label="Case",
    )

    class Meta:
        model = Survivor
        fields: list[str] = []

    def by_allocation(
        self, queryset: QuerySet[Survivor], name: str, value: str
    ) -> QuerySet[Survivor]:
        if value == "none":
            return queryset.filter(worker__isnull=True)
        if value == "closed":
            return queryset.filter(worker__is_active=False)
        if value == "unlinked":
            return queryset.filter(participant__isnull=True)
        return queryset


def allocations_page(*, params: QueryDict) -> ListPage:
    cases = Survivor.objects.select_related("worker", "participant", "user").order_by("pk")
    return list_page(AllocationFilter, cases, params)


class DisclosureFilter(StaffFilterSet):
    case = IdFilter(field_name="survivor_id", label="Case number")
    worker = WorkerFilter(field_name="worker")
    basis = django_filters.ChoiceFilter(choices=Disclosure.Basis.choices, empty_label="Any basis")
    date_from = django_filters.DateFilter(
        field_name="disclosed_at", lookup_expr="date__gte", label="From", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="disclosed_at", lookup_expr="date__lte", label="To", widget=DATE_INPUT
    )
    sort = django_filters.OrderingFilter(
        fields=(("disclosed_at", "date"), ("survivor_id", "case")),
        field_labels={"disclosed_at": "Date", "survivor_id": "Case"},
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        model = Disclosure
        fields: list[str] = []
        form = DateRangeForm


def disclosures_page(*, params: QueryDict) -> ListPage:
    disclosures = Disclosure.objects.select_related("worker").order_by("-disclosed_at", "-pk")
    return list_page(DisclosureFilter, disclosures, params)


class DutyAlertFilter(StaffFilterSet):
    case = IdFilter(field_name="survivor_id", label="Case number")
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices, empty_label="Any kind")
    worker = WorkerFilter(field_name="survivor__worker", label="Her worker")

    class Meta:
        model = Alert
        fields: list[str] = []


def duty_alerts_page(*, params: QueryDict) -> ListPage:
    """Urgent alerts not yet acknowledged, across the service, oldest first."""
    alerts = (
        Alert.objects.filter(Q(urgent=True) & Q(acknowledged_at__isnull=True))
        .select_related("survivor__worker", "risk_concern")
        .order_by("created_at", "pk")
    )
    return list_page(DutyAlertFilter, alerts, params)
