"""The People pages: the system administrator finds people, sees their record, gives and takes
away roles, deactivates and reactivates them and lifts lock-outs; everyone else is refused."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lock_out(person, times=5, ip="10.0.0.9"):
    for _ in range(times):
        Client().post(
            reverse("login"), {"username": person.email, "password": "wrong"}, REMOTE_ADDR=ip
        )


def _dpo_group():
    from django.contrib.auth.models import Group

    return [Group.objects.get_or_create(name=Role.DPO)[0]]


# Who may use the pages (the whole-portal table, portal/tests/routes.py, has who is refused)


def test_a_person_who_does_not_exist_is_not_found(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("portal:person", args=[999999])).status_code == 404
    assert (
        client.get(reverse("portal:person_role_remove", args=[sysadmin.pk, "nope"])).status_code
        == 404
    )


# The directory


def test_the_directory_finds_people_by_name_email_or_staff_number(client, sysadmin, alice, bob):
    client.force_login(sysadmin)
    everyone = client.get(reverse("portal:people")).text
    assert "Alice Staff" in everyone
    assert "Bob Manager" in everyone
    for query in ("alice st", "ALICE@example", alice.staff_number):
        page = client.get(reverse("portal:people"), {"q": query}).text
        assert "Alice Staff" in page, query
        assert "Bob Manager" not in page, query
    nobody = client.get(reverse("portal:people"), {"q": "zzz"}).text
    assert "Nobody matches" in nobody
    assert 'value="zzz"' in nobody  # what was typed stays in the box


def test_the_directory_is_paginated_by_name_and_keeps_the_search_on_every_link(client, sysadmin):
    UserFactory.create_batch(55, job_title="Analyst", full_name="Pat Same")
    client.force_login(sysadmin)
    url = reverse("portal:people")
    first = client.get(url, {"q": "pat same"})
    assert "People whose name or email contains “pat same”" in first.text
    assert len(first.context["page"].object_list) == 50
    assert f'href="?q=pat+same&amp;cursor={quote(first.context["page"].next_cursor)}"' in first.text
    second = client.get(url, {"q": "pat same", "cursor": first.context["page"].next_cursor})
    assert len(second.context["page"].object_list) == 5
    assert 'href="?q=pat+same">First</a>' in second.text
    assert "Next</a>" not in second.text
    seen = [p.pk for page in (first, second) for p in page.context["page"].object_list]
    assert seen == sorted(seen)  # the same name throughout: in the order they were added
    # An old numbered link, or a cursor that is not genuine, is the first page.
    for cursor in ({"page": 2}, {"cursor": "not-a-cursor"}):
        again = client.get(url, {"q": "pat same", **cursor})
        assert again.status_code == 200
        assert again.context["page"].object_list == first.context["page"].object_list


def test_the_directory_runs_the_same_number_of_queries_for_few_or_many_people_on_any_page(
    client, sysadmin, django_assert_num_queries
):
    client.force_login(sysadmin)
    url = reverse("portal:people")
    client.get(url)  # warm the session and settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(120):
        UserFactory(roles=[Role.DPO] if n % 2 else [], department=sysadmin.department)
    with django_assert_num_queries(len(few.captured_queries)):
        first = client.get(url)
    with django_assert_num_queries(len(few.captured_queries)):
        second = client.get(url, {"cursor": first.context["page"].next_cursor})
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url, {"cursor": second.context["page"].next_cursor})


# A person's page


def test_a_persons_page_shows_their_details_roles_manager_and_lock(client, sysadmin, alice, bob):
    alice.groups.add(*_dpo_group())
    _lock_out(alice)
    client.force_login(sysadmin)
    page = client.get(reverse("portal:person", args=[alice.pk])).text
    for expected in (
        alice.email,
        alice.staff_number,
        "Executive office",
        "Data protection officer",
    ):
        assert expected in page
    assert f'href="{reverse("portal:person", args=[bob.pk])}">Bob Manager</a>' in page
    assert "Paused" in page
    assert reverse("portal:person_unlock", args=[alice.pk]) in page
    assert reverse("portal:person_deactivate", args=[alice.pk]) in page


def test_a_persons_page_says_when_someone_else_set_their_password(client, sysadmin, alice):
    from portal.services.accounts import user_password_set

    user_password_set(user=alice, password="a long enough passphrase 9", ip=None, by=sysadmin)
    client.force_login(sysadmin)
    page = client.get(reverse("portal:person", args=[alice.pk])).text
    assert "by Sam Sysadmin (not by Alice Staff)" in page


# Roles


def test_giving_a_role_needs_a_reason_and_is_recorded(client, sysadmin, alice):
    client.force_login(sysadmin)
    url = reverse("portal:person_role_grant", args=[alice.pk])
    missing = client.post(url, {"role": "DPO", "reason": ""})
    assert missing.status_code == 400
    assert "Give a reason" in missing.text
    assert '<option value="DPO" selected>' in missing.text  # what was chosen stays chosen
    response = client.post(url, {"role": "DPO", "reason": "Covering for the DPO"}, follow=True)
    assert "Alice Staff now has the role Data protection officer." in response.text
    assert User.objects.get(pk=alice.pk).has_role(Role.DPO)
    event = AuditEvent.objects.get(verb="user.role_granted")
    assert (event.actor, event.object_id) == (sysadmin, str(alice.pk))
    assert event.changes == {"role": "Data protection officer", "reason": "Covering for the DPO"}


def test_a_role_already_held_is_not_offered(client, sysadmin, alice):
    alice.groups.add(*_dpo_group())
    client.force_login(sysadmin)
    page = client.get(reverse("portal:person_role_grant", args=[alice.pk])).text
    assert '<option value="DPO"' not in page
    assert '<option value="HELPDESK"' in page


def test_taking_a_role_away_is_confirmed_with_a_reason_and_recorded(client, sysadmin, alice):
    alice.groups.add(*_dpo_group())
    client.force_login(sysadmin)
    url = reverse("portal:person_role_remove", args=[alice.pk, "dpo"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Take away the role Data protection officer" in confirm.text
    assert User.objects.get(pk=alice.pk).has_role(Role.DPO)  # nothing happens on GET
    client.post(url, {"reason": "Back from cover"})
    assert not User.objects.get(pk=alice.pk).has_role(Role.DPO)
    event = AuditEvent.objects.get(verb="user.role_removed")
    assert event.changes == {"role": "Data protection officer", "reason": "Back from cover"}


def test_the_last_system_administrator_cannot_lose_the_role(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("portal:person_role_remove", args=[sysadmin.pk, "sysadmin"])
    response = client.post(url, {"reason": "Leaving IT"})
    assert response.status_code == 400
    assert "the only active system administrator" in response.text
    assert User.objects.get(pk=sysadmin.pk).has_role(Role.SYSADMIN)
    UserFactory(roles=[Role.SYSADMIN])
    client.post(url, {"reason": "Leaving IT"})
    assert not User.objects.get(pk=sysadmin.pk).has_role(Role.SYSADMIN)


# Deactivating, reactivating, unlocking


def test_deactivating_and_reactivating_go_through_the_services_with_a_reason(
    client, sysadmin, alice
):
    client.force_login(sysadmin)
    deactivate = reverse("portal:person_deactivate", args=[alice.pk])
    assert "will no longer be able to sign in" in client.get(deactivate).text
    assert client.post(deactivate, {"reason": ""}).status_code == 400
    client.post(deactivate, {"reason": "Left on Friday"})
    alice.refresh_from_db()
    assert not alice.is_active
    assert alice.leave_date is not None
    assert AuditEvent.objects.get(verb="user.deactivated").changes["reason"] == "Left on Friday"

    client.post(reverse("portal:person_reactivate", args=[alice.pk]), {"reason": "HR mistake"})
    alice.refresh_from_db()
    assert alice.is_active
    assert alice.leave_date is None
    assert AuditEvent.objects.get(verb="user.reactivated").actor == sysadmin


def test_a_system_administrator_cannot_deactivate_themself(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("portal:person_deactivate", args=[sysadmin.pk]), {"reason": "Testing"}
    )
    assert response.status_code == 400
    assert "You cannot deactivate yourself" in response.text
    assert "Testing</textarea>" in response.text
    assert User.objects.get(pk=sysadmin.pk).is_active


def test_unlocking_lets_the_person_sign_in_at_once_and_is_recorded(client, sysadmin, alice):
    from portal.tests.factories import TEST_PASSWORD

    _lock_out(alice)
    person = Client()
    login = {"username": alice.email, "password": TEST_PASSWORD}
    assert person.post(reverse("login"), login, REMOTE_ADDR="10.0.0.9").status_code == 429
    client.force_login(sysadmin)
    url = reverse("portal:person_unlock", args=[alice.pk])
    assert "Let Alice Staff sign in again" in client.get(url).text
    response = client.post(url, {"reason": "Rang the helpdesk from her desk"}, follow=True)
    assert "Alice Staff can sign in again now." in response.text
    assert AuditEvent.objects.get(verb="user.sign_in_unlocked").actor == sysadmin
    assert person.post(reverse("login"), login, REMOTE_ADDR="10.0.0.9").status_code == 302
    # Not locked any more: the page says so instead of offering to unlock.
    again = client.get(url, follow=True)
    assert "is not locked out" in again.text


def test_a_persons_page_links_to_what_the_audit_trail_holds_about_them(client, sysadmin, alice):
    client.force_login(sysadmin)
    html = client.get(reverse("portal:person", args=[alice.pk])).text
    link = f"{reverse('portal:audit')}?object_type=portal.user&amp;object_id={alice.pk}"
    assert link in html
    response = client.get(
        reverse("portal:audit"), {"object_type": "portal.user", "object_id": alice.pk}
    )
    assert response.status_code == 200
    assert "Showing the events about one record only" in response.text
