from django.contrib import admin
from django.test import RequestFactory

from portal.lib.admin import ReadOnlyAdmin, ReadOnlyMixin
from portal.models import AuditEvent, OrganisationSettings


class _Inline(ReadOnlyMixin, admin.TabularInline):
    model = AuditEvent


def test_a_read_only_admin_refuses_adding_changing_and_deleting():
    request = RequestFactory().get("/")
    for model_admin in (ReadOnlyAdmin(AuditEvent, admin.site), _Inline(AuditEvent, admin.site)):
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_the_audit_trail_and_organisation_settings_use_it_in_the_admin():
    for model in (AuditEvent, OrganisationSettings):
        assert isinstance(admin.site._registry[model], ReadOnlyAdmin)
