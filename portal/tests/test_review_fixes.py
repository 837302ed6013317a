"""Defects found in review, each pinned by a test that failed before its fix."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from portal.models import AuditEvent, Notification, User
from portal.services.users import user_deactivate, user_reactivate, users_create_many

pytestmark = pytest.mark.django_db


def test_a_person_added_by_the_staff_import_can_get_a_password_reset_link(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    (newcomer,) = users_create_many(
        people=[{"full_name": "Nia New", "email": "nia@example.org"}], by=None
    )
    assert not newcomer.has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "NIA@example.org"})

    assert Notification.objects.filter(recipient=newcomer, in_portal=False).count() == 1
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_the_django_admin_never_shows_a_password_reset_link(
    client, sysadmin, alice, django_capture_on_commit_callbacks
):
    sysadmin.is_staff = sysadmin.is_superuser = True
    sysadmin.save()
    client.post(reverse("password_reset"), {"email": alice.email})
    reset = Notification.objects.get(recipient=alice)
    client.force_login(sysadmin)

    page = client.get(reverse("admin:portal_notification_change", args=[reset.pk]))

    assert page.status_code == 200
    assert reset.url not in page.text
    assert "/accounts/password/reset/" not in page.text


def test_deactivating_from_two_stale_copies_records_the_leaver_once(alice):
    first, second = User.objects.get(pk=alice.pk), User.objects.get(pk=alice.pk)

    assert user_deactivate(user=first, by=None, reason="HR file") is True
    assert user_deactivate(user=second, by=None, reason="Leave date passed") is False

    assert AuditEvent.objects.filter(verb="user.deactivated").count() == 1


def test_a_person_deactivated_by_mistake_can_be_brought_back_on_the_record(alice, sysadmin):
    user_deactivate(user=alice, by=None, reason="Missing from HR file", leave_date=date(2026, 1, 1))

    assert user_reactivate(user=alice, by=sysadmin, reason="Left out of the file by mistake")
    assert not user_reactivate(user=alice, by=sysadmin, reason="again")

    alice.refresh_from_db()
    assert (alice.is_active, alice.leave_date) == (True, None)
    event = AuditEvent.objects.get(verb="user.reactivated")
    assert (event.actor, event.changes["reason"]) == (sysadmin, "Left out of the file by mistake")


def test_the_django_admin_deactivates_and_reactivates_through_the_services(client, sysadmin, alice):
    sysadmin.is_staff = sysadmin.is_superuser = True
    sysadmin.save()
    client.force_login(sysadmin)
    url = reverse("admin:portal_user_changelist")

    client.post(url, {"action": "deactivate_people", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_active
    client.post(url, {"action": "reactivate_people", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert alice.is_active
    verbs = list(AuditEvent.objects.filter(object_id=str(alice.pk)).values_list("verb", flat=True))
    assert "user.deactivated" in verbs
    assert "user.reactivated" in verbs


def test_the_audit_filter_with_the_last_possible_date_explains_instead_of_failing(client, dpo):
    client.force_login(dpo)
    response = client.get(reverse("portal:audit"), {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Choose an earlier date." in response.text


@override_settings(DEBUG=False)
def test_the_demo_will_not_load_on_a_portal_running_without_debug():
    with pytest.raises(CommandError, match="Refusing to load demo people"):
        call_command("load_demo")
    assert not User.objects.exists()
