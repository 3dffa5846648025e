"""The programme side's lists (participants, groups, a group's sessions):
search, filters, sort order and pages. Every filter here names a programme
field and nothing else: no search on this side can reach a survivor (SPEC 2,
no shared person index)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, QuerySet
from django.http import QueryDict

from contacts.selectors.listing import (
    DateRangeForm,
    ListPage,
    RecordChoiceFilter,
    StaffFilterSet,
    list_page,
)
from programme.models import Participant, ParticipantStatus, ProgrammeGroup, ProgrammeSession

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ParticipantFilter(StaffFilterSet):
    q = django_filters.CharFilter(
        field_name="reference", lookup_expr="icontains", label="Reference"
    )
    group = RecordChoiceFilter(
        queryset=ProgrammeGroup.objects.order_by("name"), empty_label="Any group"
    )
    status = django_filters.ChoiceFilter(
        choices=ParticipantStatus.choices, empty_label="Any status"
    )
    sort = django_filters.OrderingFilter(
        fields=(("reference", "reference"), ("status", "status"), ("group__name", "group")),
        field_labels={"reference": "Reference", "status": "Status", "group__name": "Group"},
        label="Sort by",
        empty_label="Reference",
    )

    class Meta:
        model = Participant
        fields: list[str] = []


def participants_page(*, params: QueryDict) -> ListPage:
    participants = Participant.objects.select_related("group").order_by("reference", "pk")
    return list_page(ParticipantFilter, participants, params)


class GroupFilter(StaffFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name")
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("participant_count", "size"), ("created_at", "created")),
        field_labels={"name": "Name", "participant_count": "Size", "created_at": "Added"},
        label="Sort by",
        empty_label="Name",
    )

    class Meta:
        model = ProgrammeGroup
        fields: list[str] = []


def groups_page(*, params: QueryDict) -> ListPage:
    groups: QuerySet[ProgrammeGroup] = ProgrammeGroup.objects.annotate(
        participant_count=Count("participants")
    ).order_by("name", "pk")
    return list_page(GroupFilter, groups, params)


class SessionFilter(StaffFilterSet):
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label="From", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="To", widget=DATE_INPUT
    )
    sort = django_filters.OrderingFilter(
        fields=(("starts_at", "date"),),
        field_labels={"starts_at": "Date"},
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        model = ProgrammeSession
        fields: list[str] = []
        form = DateRangeForm


def sessions_page(*, group: ProgrammeGroup, params: QueryDict) -> ListPage:
    sessions = (
        ProgrammeSession.objects.filter(group=group)
        .select_related("module")
        .order_by("-starts_at", "-pk")
    )
    return list_page(SessionFilter, sessions, params, per_page=20)
