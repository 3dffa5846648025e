"""The Wagtail admin's user area, kept to staff accounts (SPEC 2: the Wagtail
admin never holds survivor data).

Her portal account is a user too; Wagtail's own views would list, search and
open it for a superuser. Here the list leaves portal accounts out, opening one
is a 404, and the staff role rules (``contacts.roles.staff_roles_check``)
apply to roles set here as they do on the staff pages and in /ops/."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.users.views import users

from contacts.errors import AccountError
from contacts.models import User
from contacts.roles import staff_roles_check


def _apply_role_rules(form: Any, actor: User, user: User | None) -> None:
    """Add the role rules to a Wagtail user form's validation."""
    original_clean = form.clean

    def clean() -> dict[str, Any]:
        data = original_clean()
        groups = data.get("groups")
        if groups is None:
            return data
        try:
            staff_roles_check(
                actor=actor,
                user=user,
                role_names=[group.name for group in groups],
                is_duty_worker=bool(user and user.is_duty_worker),
                allow_no_role=True,
            )
        except AccountError as error:
            raise ValidationError(error.message, code=error.code) from error
        return data

    form.clean = clean


class IndexView(users.IndexView):
    def get_base_queryset(self) -> QuerySet[User]:
        return super().get_base_queryset().filter(kind=User.Kind.STAFF)


class CreateView(users.CreateView):
    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        _apply_role_rules(form, self.request.user, None)
        return form


class EditView(users.EditView):
    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        _apply_role_rules(form, self.request.user, self.object)
        return form


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView

    def construct_view(self, view_class: Any, **kwargs: Any) -> Callable[..., HttpResponse]:
        """Every view of one account (edit, delete, history, usage, copy…) is a
        404 for a portal account, before Wagtail loads it."""
        view = super().construct_view(view_class, **kwargs)

        @wraps(view)
        def staff_accounts_only(request: HttpRequest, *args: Any, **kw: Any) -> HttpResponse:
            pk = kw.get("pk")
            if (
                pk is not None
                and not User.objects.filter(pk=str(pk), kind=User.Kind.STAFF).exists()
            ):
                raise Http404
            return view(request, *args, **kw)

        return staff_accounts_only
