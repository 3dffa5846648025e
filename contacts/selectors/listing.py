"""One way every staff list is cut into pages: a django-filter ``FilterSet``
(search, filters and the sort order, validated like any form) over a queryset,
then Django's ``Paginator``. Reads only; each app declares its own filter sets
beside its other selectors, so a programme-side list can only ever filter
programme data (SPEC 2: no shared person index).

Every filter on a record's id (a case number typed in, a worker or group
chosen from a list) is an ``IdFilter`` or a ``RecordChoiceFilter``: its value
is a whole number from 1 to ``MAX_ID`` or it matches nothing, so a tampered
address (``?case=`` and forty nines, ``-1``, ``abc``) gets the list's ordinary
"nothing found" rather than a database error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

PER_PAGE = 50

# The largest id a table can hold: a BigAutoField's, 2**63 - 1 on PostgreSQL and
# SQLite alike. Anything larger would not fit the database's integer.
MAX_ID = 2**63 - 1
# What a bad id cleans to: no row has it (ids start at 1 on every database
# Django supports), and the filters below answer it with an empty list.
NO_RECORD = 0
ID_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "٣" is not a case number


def bounded_id(value: object) -> int:
    """``value`` as a record id from 1 to ``MAX_ID``, or ``NO_RECORD``."""
    text = str(value).strip()
    if not ID_DIGITS.fullmatch(text):
        return NO_RECORD
    number = int(text)
    return number if 1 <= number <= MAX_ID else NO_RECORD


class IdField(forms.Field):
    """A record number typed into a filter form: None when left empty, else its
    ``bounded_id`` (never a form error: a bad number is a number nothing has)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        return bounded_id(value)


class IdFilter(django_filters.Filter):
    """Filter on a record's id typed as a number (``?case=14``)."""

    field_class = IdField

    def filter(self, qs: QuerySet[Any], value: int | None) -> QuerySet[Any]:
        if value == NO_RECORD:
            return qs.none()
        return super().filter(qs, value)


class RecordChoiceField(FilterModelChoiceField):
    """A record chosen from a list: one of the queryset's, or ``NO_RECORD`` for
    an id that is not one of them (never a form error)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if bounded_id(value) == NO_RECORD:
            return NO_RECORD
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return NO_RECORD


class RecordChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter on a record chosen from a list (``?worker=3``, ``?group=2``)."""

    field_class = RecordChoiceField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value == NO_RECORD:
            return qs.none()
        return super().filter(qs, value)


@dataclass(frozen=True)
class ListPage:
    """What a list template needs: this page's rows, the filter form (with any
    errors), and the query string of the current filters without the page
    number (for the page links)."""

    page: Page
    filters: django_filters.FilterSet
    query: str

    @property
    def invalid(self) -> bool:
        return bool(self.filters.form.errors)

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)


class StaffFilterSet(django_filters.FilterSet):
    """A filter set whose form never shows "Unknown" choices for blank values."""

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        # An unfiltered first visit is not a bound form (no errors to show).
        if data is not None and not any(k != "page" for k in data):
            data = None
        super().__init__(data, *args, **kwargs)


class DateRangeForm(forms.Form):
    """The form of a filter set with ``date_from`` and ``date_to``: a range that
    ends before it starts is an error, not an empty list."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data


def list_page(
    filterset_class: type[django_filters.FilterSet],
    queryset: QuerySet[Any],
    params: QueryDict,
    *,
    per_page: int = PER_PAGE,
    **filterset_kwargs: Any,
) -> ListPage:
    """Filter, sort and paginate ``queryset`` by the request's query string.

    A page number out of range (or not a number) shows the nearest page, as
    ``Paginator.get_page`` does; two queries per list: the count and the page."""
    filters = filterset_class(params, queryset=queryset, **filterset_kwargs)
    page = Paginator(filters.qs, per_page).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return ListPage(page=page, filters=filters, query=query.urlencode())
