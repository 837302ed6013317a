"""The Django admin, the routes the whole-portal table leaves to this file: open only to system
administrators (with the admin flag) who have done the second step of signing in, and unable
to change anything except through the portal's services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.lib.admin import ReadOnlyMixin
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The admins that may change rows, each because its every save goes through a service that
# writes the audit trail (portal/admin.py says how): model label → the services it calls.
SAVED_THROUGH_SERVICES = {
    "portal.User": "user_saved_in_admin, user_roles_set, user_password_set, user_deactivate",
    "portal.Department": "department_create, department_update",
}


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _refuses_every_change(model_admin, request) -> bool:
    return not (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


@pytest.fixture
def admin_request(rf):
    request = rf.get("/django-admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSADMIN])
    return request


def test_every_admin_is_read_only_or_saves_through_the_services(admin_request):
    problems = []
    for model, model_admin in _admins():
        label = model._meta.label
        if label in SAVED_THROUGH_SERVICES:
            # Saved by the services, never deleted (people leave by deactivation; departments
            # are named by past records).
            if type(model_admin).save_model is admin.ModelAdmin.save_model:
                problems.append(f"{label}: saves with Django's own save_model")
            if model_admin.has_delete_permission(admin_request):
                problems.append(f"{label}: can be deleted")
        elif not _refuses_every_change(model_admin, admin_request):
            problems.append(f"{label} ({type(model_admin).__module__}) can be changed")
        for inline in model_admin.inlines:
            if not issubclass(inline, ReadOnlyMixin):
                problems.append(f"{label}: its inline {inline.__name__} can change rows")
    assert not problems, "\n".join(problems)


def test_the_read_only_admins_have_no_bulk_actions(admin_request):
    for model, model_admin in _admins():
        if model._meta.label not in SAVED_THROUGH_SERVICES:
            actions = model_admin.get_actions(admin_request)
            assert not actions, f"{model._meta.label}: {sorted(actions)}"


def test_the_check_would_catch_an_admin_that_changes_rows(admin_request):
    from portal.models import AuditEvent

    editable = admin.ModelAdmin(AuditEvent, admin.site)
    assert not _refuses_every_change(editable, admin_request)


def test_nobody_can_add_an_authenticator_or_recovery_codes_for_someone_in_the_admin(client):
    # django-otp's own admin let an administrator give themself a device for someone else.
    client.force_login(UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSADMIN]))
    for name in ("otp_totp_totpdevice", "otp_static_staticdevice"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_an_authenticators_secret_key_is_not_shown_in_the_admin(client):
    from portal.testing.second_factor import authenticator_for

    someone = UserFactory()
    device = authenticator_for(someone)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, roles=[Role.SYSADMIN]))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.text
    assert 'name="_save"' not in page.text


def test_the_admin_refuses_someone_with_the_admin_flag_but_not_the_role(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_system_administrator_without_the_second_step_is_sent_to_it(client):
    sysadmin = UserFactory(is_staff=True, roles=[Role.SYSADMIN])
    client.force_login(sysadmin, second_factor=False)
    response = client.get(reverse("admin:index"), follow=True)
    first_stop = response.redirect_chain[-1][0]
    assert first_stop.startswith(reverse("second_factor_verify")) or first_stop.startswith(
        reverse("second_factor_setup")
    ), response.redirect_chain
    assert "Compliance portal: Django admin" not in response.text


def test_a_system_administrator_who_has_done_the_second_step_reaches_the_admin(client):
    client.force_login(UserFactory(is_staff=True, roles=[Role.SYSADMIN]))
    assert client.get(reverse("admin:index")).status_code == 200
