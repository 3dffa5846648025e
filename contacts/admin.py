"""Django admin: operations superusers only (the area middleware refuses
everyone else). No survivor model is registered here; the audit log is
read-only.

Two registered models still show something of her: the user list holds her
portal account (her username), and the audit log holds case ids. Every read of
either is written to the audit log like any other staff read (SPEC 2), and the
role rules of the staff pages hold here too (``services.staff_roles_check``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from contacts.errors import AccountError
from contacts.http import AuthenticatedHttpRequest
from contacts.models import AuditAction, AuditEvent, User
from contacts.roles import staff_roles_check
from contacts.views.common import staff_read_record

if TYPE_CHECKING:
    # The mixin sits in front of a ModelAdmin; the type checker needs to know
    # which methods ``super()`` reaches.
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class AuditedReadsMixin(_ModelAdminBase):
    """Write an audit event for each list, view or history page served.

    The admin site serves signed-in operations superusers only, so the request's
    user is always a ``User`` (``AuthenticatedHttpRequest``)."""

    # What each page's read is recorded as: {"list": ..., "view": ..., "history": ...}.
    audit_actions: dict[str, AuditAction] = {}

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            staff_read_record(cast(AuthenticatedHttpRequest, request), self.audit_actions["list"])
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_object(request, object_id, "view")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._audit_object(request, object_id, "history")
        return response

    def _audit_object(self, request: HttpRequest, object_id: str, what: str) -> None:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        staff_read_record(
            cast(AuthenticatedHttpRequest, request),
            self.audit_actions[what],
            obj=obj,
            survivor=self.survivor_of(obj),
        )

    def survivor_of(self, obj: Any) -> Model | None:
        return None


class RoleRulesForm(forms.ModelForm):
    """The staff pages' role rules, applied to the admin's user form."""

    actor: User | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        groups = data.get("groups")
        if groups is None or self.actor is None:
            return data
        try:
            staff_roles_check(
                actor=self.actor,
                user=self.instance if self.instance.pk else None,
                role_names=[group.name for group in groups],
                is_duty_worker=data.get("is_duty_worker", self.instance.is_duty_worker),
                allow_no_role=True,  # operations accounts (superusers) may hold none
            )
        except AccountError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return data


@admin.register(User)
class StaffUserAdmin(AuditedReadsMixin, UserAdmin):
    audit_actions = {
        "list": AuditAction.OPS_USER_LIST,
        "view": AuditAction.OPS_USER_VIEW,
        "history": AuditAction.OPS_USER_HISTORY,
    }
    list_display = ("username", "kind", "is_active", "is_superuser")
    list_filter = ("kind", "is_active", "is_superuser", "groups")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Service", {"fields": ("kind", "is_duty_worker", "alert_emails")}),
    )

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return type(form.__name__, (RoleRulesForm, form), {"actor": request.user})

    def survivor_of(self, obj: User) -> Model | None:
        if obj.kind != User.Kind.SURVIVOR:
            return None
        try:
            return obj.survivor  # her case, through the reverse accessor
        except ObjectDoesNotExist:
            return None


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedReadsMixin, admin.ModelAdmin):
    audit_actions = {
        "list": AuditAction.OPS_AUDIT_LIST,
        "view": AuditAction.OPS_AUDIT_VIEW,
        "history": AuditAction.OPS_AUDIT_HISTORY,
    }
    list_display = ("at", "actor", "action", "object_type", "object_id", "survivor_id")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
