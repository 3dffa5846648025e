"""Django admin: operations superusers only (the area middleware refuses
everyone else). No survivor data is registered here; the audit log is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import AuditEvent, Participant, ProgrammeGroup, ProgrammeSession, User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "kind", "is_active", "is_superuser")
    list_filter = ("kind", "is_active", "is_superuser", "groups")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Service", {"fields": ("kind", "is_duty_worker", "alert_emails")}),
    )


admin.site.register(ProgrammeGroup)
admin.site.register(ProgrammeSession)
admin.site.register(Participant)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "survivor_id")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
