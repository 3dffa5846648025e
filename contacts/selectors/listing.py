"""One way every staff list is cut into pages: a django-filter ``FilterSet``
(search, filters and the sort order, validated like any form) over a queryset,
then Django's ``Paginator``. Reads only; each app declares its own filter sets
beside its other selectors, so a programme-side list can only ever filter
programme data (SPEC 2: no shared person index)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

PER_PAGE = 50


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
        data = super().clean()
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
