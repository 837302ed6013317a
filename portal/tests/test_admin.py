"""The Django admin is for the system administrator; what it changes about people is evidence
too, so it lands in the audit trail like any change made elsewhere."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        UserFactory(full_name="Ada Admin", is_staff=True, is_superuser=True, roles=[Role.SYSADMIN])
    )
    return client


def _change_form(alice, **overrides):
    data = {
        "email": alice.email,
        "full_name": alice.full_name,
        "staff_number": alice.staff_number,
        "job_title": alice.job_title,
        "department": alice.department_id or "",
        "line_manager": alice.line_manager_id or "",
        "employment_type": alice.employment_type,
        "start_date": "",
        "groups": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    data.update(overrides)
    return data


def test_giving_someone_a_role_in_the_admin_is_recorded_with_who_did_it(admin_client, alice):
    dpo_group = Group.objects.get_or_create(name=Role.DPO)[0]
    url = reverse("admin:portal_user_change", args=[alice.pk])
    response = admin_client.post(
        url, _change_form(alice, job_title="Senior officer", groups=[dpo_group.pk])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    roles = AuditEvent.objects.get(verb="user.roles_changed")
    assert roles.actor.full_name == "Ada Admin"
    assert roles.changes == {"added": [Role.DPO.value], "removed": []}
    changed = AuditEvent.objects.get(verb="user.changed")
    assert changed.changes == {"job_title": {"from": "Officer", "to": "Senior officer"}}

    admin_client.post(url, _change_form(alice, job_title="Senior officer", groups=[]))
    assert AuditEvent.objects.filter(verb="user.roles_changed").order_by("id").last().changes == {
        "added": [],
        "removed": [Role.DPO.value],
    }


def test_a_password_set_in_the_admin_is_recorded_but_not_the_password(admin_client, alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    secret = "an admin chosen passphrase 7"
    response = admin_client.post(
        url, {"password1": secret, "password2": secret, "usable_password": "true"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="user.password_set_by_admin")
    assert event.object_id == str(alice.pk)
    assert secret not in str(event.changes)


def test_people_cannot_be_deleted_in_the_admin_only_deactivated(admin_client, alice):
    response = admin_client.get(reverse("admin:portal_user_delete", args=[alice.pk]))
    assert response.status_code == 403


def test_audit_events_and_organisation_settings_are_read_only_in_the_admin(admin_client):
    OrganisationSettings.load()
    assert admin_client.get(reverse("admin:portal_auditevent_add")).status_code == 403
    url = reverse("admin:portal_organisationsettings_change", args=[1])
    assert admin_client.get(url).status_code == 200  # may be read
    admin_client.post(url, {"name": "Changed behind the audit trail", "short_name": "X"})
    assert OrganisationSettings.load().name == "Your organisation"


def test_an_inbox_only_message_does_not_show_its_body_in_the_admin(admin_client, alice):
    row = Notification.objects.create(
        dedup_key="k",
        recipient=alice,
        to_email=alice.email,
        subject="Reset your password",
        body_text="http://testserver/accounts/password/reset/abc/secret-token/",
        in_portal=False,
    )
    page = admin_client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert "Reset your password" in page.text
    assert "secret-token" not in page.text


def test_a_password_set_in_the_admin_records_who_set_it_and_tells_the_person(
    admin_client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    secret = "an admin chosen passphrase 7"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"password1": secret, "password2": secret, "usable_password": "true"}
        )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(secret)
    assert alice.password_set_by.full_name == "Ada Admin"
    assert alice.password_set_at is not None
    assert alice.password_set_by_someone_else
    event = AuditEvent.objects.get(verb="user.password_set_by_admin")
    assert event.actor.full_name == "Ada Admin"
    assert mailoutbox[-1].subject.endswith("password was set by an administrator")
    assert "choose a password of your own" in mailoutbox[-1].body


def test_a_mismatched_password_in_the_admin_is_refused_and_nothing_is_recorded(admin_client, alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = admin_client.post(
        url,
        {"password1": "one long passphrase 1", "password2": "another", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(verb="user.password_set_by_admin").exists()
    alice.refresh_from_db()
    assert alice.password_set_by is None


def test_departments_added_or_renamed_in_the_admin_are_recorded_and_never_deleted(admin_client):
    from portal.models import Department

    response = admin_client.post(
        reverse("admin:portal_department_add"), {"code": "OPS", "name": "Operations"}
    )
    assert response.status_code == 302
    department = Department.objects.get(code="OPS")
    created = AuditEvent.objects.get(verb="department.created")
    assert created.actor.full_name == "Ada Admin"
    assert created.changes == {"code": "OPS", "name": "Operations"}

    url = reverse("admin:portal_department_change", args=[department.pk])
    assert admin_client.post(url, {"code": "OPS", "name": "Operational support"}).status_code == 302
    changed = AuditEvent.objects.get(verb="department.changed")
    assert changed.changes == {"name": {"from": "Operations", "to": "Operational support"}}

    delete = reverse("admin:portal_department_delete", args=[department.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Department.objects.filter(pk=department.pk).exists()


def test_role_groups_cannot_be_renamed_added_or_deleted_in_the_admin(admin_client, dpo):
    group = Group.objects.get(name=Role.DPO)
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert admin_client.get(change).status_code == 200  # may be read
    admin_client.post(change, {"name": "Renamed", "permissions": []})
    group.refresh_from_db()
    assert group.name == Role.DPO
    assert dpo.has_role(Role.DPO)
    assert admin_client.get(reverse("admin:auth_group_add")).status_code == 403
    delete = reverse("admin:auth_group_delete", args=[group.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_lockout_records_are_read_only_in_the_admin(admin_client, alice):
    from axes.models import AccessAttempt
    from django.test import Client

    for _ in range(5):
        Client().post(reverse("login"), {"username": alice.email, "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    listing = reverse("admin:axes_accessattempt_changelist")
    admin_client.post(listing, {"action": "delete_selected", "_selected_action": [attempt.pk]})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_an_email_changed_in_the_admin_is_told_to_the_old_and_the_new_address(admin_client, alice):
    url = reverse("admin:portal_user_change", args=[alice.pk])
    response = admin_client.post(url, _change_form(alice, email="alice.new@example.org"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    told = set(
        Notification.objects.filter(dedup_key__startswith=f"email-changed:{alice.pk}:").values_list(
            "to_email", flat=True
        )
    )
    assert told == {"alice@example.org", "alice.new@example.org"}
    changed = AuditEvent.objects.get(verb="user.changed")
    assert changed.changes["email"] == {"from": "alice@example.org", "to": "alice.new@example.org"}


def test_a_system_administrator_who_is_not_a_superuser_can_use_the_django_admin(client):
    sam = UserFactory(is_staff=True, roles=[Role.SYSADMIN])
    client.force_login(sam)
    assert "You don’t have permission" not in client.get("/django-admin/").text
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_department_add")).status_code == 200
    # What must never change is still refused to them.
    assert client.get(reverse("admin:portal_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_auditevent_add")).status_code == 403


def test_django_admin_access_without_the_role_opens_no_model(client):
    staff_only = UserFactory(is_staff=True)
    client.force_login(staff_only)
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 302
    assert not staff_only.has_perm("portal.view_user")


def test_the_only_system_administrator_keeps_the_role_when_the_admin_would_take_it(
    admin_client,
):
    sam = UserFactory(full_name="Sam Only", roles=[Role.SYSADMIN])
    # Ada (admin_client) is a superuser, which is enough for the admin: make Sam the only one.
    role = Group.objects.get(name=Role.SYSADMIN.value)
    role.user_set.remove(*role.user_set.exclude(pk=sam.pk))
    url = reverse("admin:portal_user_change", args=[sam.pk])
    response = admin_client.post(url, _change_form(sam, groups=[]))
    assert response.status_code == 200
    assert "only active system administrator" in response.text
    assert sam.groups.filter(name=Role.SYSADMIN.value).exists()
    assert not AuditEvent.objects.filter(verb="user.roles_changed").exists()
