"""Django admin for the system administrator. Records that are evidence are read-only here:
changes to them go through the portal's services, which write the audit trail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import AuditEvent, Department, Notification, OrganisationSettings, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = [
        "full_name",
        "email",
        "staff_number",
        "department",
        "employment_type",
        "is_active",
    ]
    list_filter = ["is_active", "employment_type", "department", "groups"]
    search_fields = ["full_name", "email", "staff_number"]
    list_select_related = ["department"]
    raw_id_fields = ["line_manager"]
    # Deactivation is a service (leavers): it must not be a tick box that skips the audit trail.
    readonly_fields = ["is_active", "leave_date", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {
                "fields": [
                    "full_name",
                    "staff_number",
                    "job_title",
                    "department",
                    "line_manager",
                    "employment_type",
                    "start_date",
                    "leave_date",
                    "is_active",
                ]
            },
        ),
        ("Roles", {"fields": ["groups", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "object_repr"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to_email", "subject", "dedup_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(OrganisationSettings)
