"""The Django admin: a superuser's repair tool, never the application (no business rules here;
Guanxi's own administration pages go through the services)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from guanxi.core.models import ApiToken, AuditEvent, Department, ImportBatch, Role, RoleScope, User


@admin.register(User)
class GuanxiUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Guanxi", {"fields": ("department", "superior", "language", "display_name")}),
    )
    list_display = ("username", "display_name", "department", "is_active", "is_superuser")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "path")
    readonly_fields = ("path",)


class RoleScopeInline(admin.TabularInline):
    model = RoleScope
    extra = 0


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group")
    inlines = [RoleScopeInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "content_type", "object_id", "object_repr")
    list_filter = ("action", "content_type")

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("kind", "actor", "started_at", "status", "file_name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")
