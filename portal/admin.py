"""Django admin for the system administrator. Records that are evidence are read-only here:
changes to them go through the portal's services, which write the audit trail."""

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.access import client_ip
from portal.lib.admin import ReadOnlyAdmin
from portal.models import (
    AuditEvent,
    Department,
    LegalHold,
    Notification,
    OrganisationSettings,
    User,
)
from portal.roles import Role
from portal.services.accounts import user_password_set
from portal.services.organisation import department_create, department_update
from portal.services.users import (
    role_removal_problem,
    user_deactivate,
    user_reactivate,
    user_roles_set,
    user_saved_in_admin,
)
from portal.sessions import session_keep_after_password_change

# Never recorded: the password fields are hashes or secrets, and roles are recorded on their own.
_NOT_RECORDED = {"password", "password1", "password2", "usable_password", "groups"}


def _readable(form: forms.ModelForm, name: str, value: Any) -> Any:
    field = form.fields.get(name)
    if isinstance(field, forms.ModelChoiceField) and value is not None:
        if not hasattr(value, "pk") and field.queryset is not None:
            value = field.queryset.filter(pk=value).first()
        return str(value) if value is not None else None
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple | set) or hasattr(value, "all"):
        return sorted(str(v) for v in value)
    return str(value)


class PortalUserChangeForm(UserChangeForm):
    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        person = self.instance
        losing_sysadmin = Role.SYSADMIN.value not in {group.name for group in groups} and (
            person.groups.filter(name=Role.SYSADMIN.value).exists()
        )
        if losing_sysadmin and (problem := role_removal_problem(user=person, role=Role.SYSADMIN)):
            raise forms.ValidationError(problem)
        return groups


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
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
    readonly_fields = [
        "is_active",
        "leave_date",
        "last_login",
        "date_joined",
        "password_set_by",
        "password_set_at",
    ]
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
        ("Dates", {"fields": ["last_login", "date_joined", "password_set_by", "password_set_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]

    actions = ["deactivate_people", "reactivate_people"]

    @admin.action(description="Deactivate the selected people (they leave the portal)")
    def deactivate_people(self, request, queryset):
        done = sum(
            user_deactivate(
                user=user,
                by=request.user,
                reason="Deactivated in the Django admin",
                ip=client_ip(request),
            )
            for user in queryset
        )
        self.message_user(request, f"Deactivated {done} of {queryset.count()} selected.")

    @admin.action(description="Reactivate the selected people (deactivated by mistake)")
    def reactivate_people(self, request, queryset):
        done = sum(
            user_reactivate(
                user=user,
                by=request.user,
                reason="Reactivated in the Django admin",
                ip=client_ip(request),
            )
            for user in queryset
        )
        self.message_user(request, f"Reactivated {done} of {queryset.count()} selected.")

    # Changes made here are recorded in the audit trail like any other: who was given which
    # role, by whom, is exactly what a hearing asks.
    def has_delete_permission(self, request, obj=None):
        # People leave by deactivation (a service); deleting would orphan their records.
        return False

    def save_model(self, request, obj, form, change):
        changes = {
            name: {
                "from": _readable(form, name, form.initial.get(name)) if change else None,
                "to": _readable(form, name, form.cleaned_data.get(name)),
            }
            for name in form.changed_data
            if name not in _NOT_RECORDED
        }
        if not change and obj.has_usable_password():
            # Chosen here by the administrator, not by the person (see user_password_set).
            obj.password_set_by, obj.password_set_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        # The admin's change view runs in one transaction: the row, its record and the
        # messages to both addresses (if the sign-in address changed) commit together.
        user_saved_in_admin(
            user=obj,
            created=not change,
            changes=changes,
            old_email=form.initial.get("email", "") if change else "",
            by=request.user,
            ip=client_ip(request),
        )

    def save_related(self, request, form, formsets, change):
        # Roles go through the service (recorded, and the last system administrator keeps the
        # role), not through the form's own many-to-many save.
        roles = frozenset(Role(group.name) for group in form.cleaned_data.get("groups", []))
        form.cleaned_data["groups"] = form.instance.groups.all()
        super().save_related(request, form, formsets, change)
        user_roles_set(user=form.instance, roles=roles, by=request.user, ip=client_ip(request))

    def user_change_password(self, request, id, form_url=""):
        """Django's page for setting someone's password, saving through the service, which
        records that an administrator (not the person) chose it. Everything else (the form,
        its errors, who may open it) is Django's own."""
        if request.method == "POST":
            user = self.get_object(request, unquote(id))
            if user is not None and self.has_change_permission(request, user):
                form = self.change_password_form(user, request.POST)
                usable = form.is_valid() and form.cleaned_data["set_usable_password"]
                if form.is_valid() and (usable or "unset-password" in request.POST):
                    user_password_set(
                        user=user,
                        password=form.cleaned_data["password1"] if usable else None,
                        by=request.user,
                        ip=client_ip(request),
                        keep_session_key=request.session.session_key,
                    )
                    self.message_user(
                        request,
                        "Password set."
                        if usable
                        else "Signing in with a password is switched off.",
                    )
                    session_keep_after_password_change(request, user)
                    return redirect("admin:portal_user_change", user.pk)
        return super().user_change_password(request, id, form_url)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Adding and renaming go through the services, which record them. Departments are never
    deleted here: people, campaigns and past events name them."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        values = {"code": form.cleaned_data["code"], "name": form.cleaned_data["name"]}
        if change:
            department_update(department=obj, by=request.user, ip=client_ip(request), **values)
        else:
            saved = department_create(by=request.user, ip=client_ip(request), **values)
            # The admin goes on to log and link to `obj`: make it the row just created.
            obj.pk, obj._state.adding = saved.pk, False

    def has_delete_permission(self, request, obj=None):
        return False


# Roles are Django groups the portal names in code (portal/roles.py): renaming one silently took
# that role from everyone who held it. They are given and taken on the People pages, recorded.
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    fields = ["name"]


# Lock-outs are lifted on a person's page in the portal, with a reason on the audit trail;
# removing the records here lifted them with no trace.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    exclude = ["get_data", "post_data"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["attempt_time", "username", "ip_address", "logout_time"]
    search_fields = ["username", "ip_address"]


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin):
    list_display = ["attempt_time", "username", "ip_address", "locked_out"]
    search_fields = ["username", "ip_address"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "verb", "object_repr"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "object_repr", "object_id"]


# Holds are placed and lifted on the Records holds page, each on the audit trail; removing one
# here would let the retention sweep delete what it kept, with no trace of why it was kept.
@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["placed_at", "record_type", "content_type", "object_id", "lifted_at"]
    search_fields = ["reason", "object_id"]


# django-otp's own admins let an administrator add an authenticator or recovery codes for
# someone else (and so sign in as them), change or delete one, and read their secret keys, all
# without a word on the audit trail. Second factors are set up by the person and reset on
# their page in the portal, with a reason (portal.services.second_factor); here they are only
# shown, secrets left out.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Shown only: a message is queued by the service that causes it, and its delivery state
    is the outbox's (changing it here could send it twice, or never)."""

    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to_email", "subject", "dedup_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_fields(self, request, obj=None):
        fields = [f.name for f in Notification._meta.fields if f.name != "id"]
        if obj is not None and not obj.in_portal:
            # Inbox-only messages carry keys (a password reset link): not for other eyes.
            fields = [f for f in fields if f not in ("body_text", "body_html", "url")]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(ReadOnlyAdmin):
    """Shown for reference only: the settings are changed on the portal's own page, which
    checks the logo and records every change in the audit trail."""
