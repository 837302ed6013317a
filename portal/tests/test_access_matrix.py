"""Every page of the foundation, for every role: who gets in, who gets 403, who must sign in.

Menu entries follow the same rules, so nobody is shown a link to a page that refuses them.
"""

import pytest
from django.urls import reverse

from portal.models import Notification
from portal.roles import AUDIT_READERS, Role
from portal.testing.access_matrix import (
    ALLOWED,
    ANONYMOUS,
    LINE_MANAGER,
    SIGN_IN,
    assert_access_matrix,
    person_for,
)
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYONE = "everyone signed in"
# (name, url name, method, who may use it)
PAGES = [
    ("dashboard", "portal:dashboard", "get", EVERYONE),
    ("notifications", "portal:notifications", "get", EVERYONE),
    ("mark all read", "portal:notifications_read_all", "post", EVERYONE),
    ("password change", "password_change", "get", EVERYONE),
    ("your sessions", "sessions", "get", EVERYONE),
    ("sign out of every other session", "sessions_end_others", "post", EVERYONE),
    ("audit trail", "portal:audit", "get", AUDIT_READERS),
    ("audit export", "portal:audit_export", "get", AUDIT_READERS),
    ("organisation settings", "portal:organisation_settings", "get", (Role.SYSADMIN,)),
    ("organisation settings (save)", "portal:organisation_settings", "post", (Role.SYSADMIN,)),
    ("retention periods (save)", "portal:retention_periods", "post", (Role.SYSADMIN,)),
    ("records holds", "portal:holds", "get", (Role.DPO, Role.DEPUTY_DPO)),
    ("records holds (place)", "portal:holds", "post", (Role.DPO, Role.DEPUTY_DPO)),
    ("people", "portal:people", "get", (Role.SYSADMIN,)),
]
PEOPLE = ["alice", LINE_MANAGER, *Role]


def test_each_page_answers_each_role(client, request):
    assert_access_matrix(
        client,
        request,
        [
            (
                reverse(url_name),
                method,
                {
                    kind: ALLOWED if allowed == EVERYONE or kind in allowed else 403
                    for kind in PEOPLE
                },
            )
            for _, url_name, method, allowed in PAGES
        ],
    )


def test_each_page_asks_an_anonymous_visitor_to_sign_in(client, request):
    assert_access_matrix(
        client,
        request,
        [(reverse(url_name), method, {ANONYMOUS: SIGN_IN}) for _, url_name, method, _ in PAGES],
    )


@pytest.mark.parametrize("kind", PEOPLE, ids=[str(p) for p in PEOPLE])
def test_everyone_may_sign_themself_out_everywhere(client, request, kind):
    # Not in PAGES: it ends the very session asking, so it answers with the sign-in page.
    client.force_login(person_for(request, kind))
    response = client.post(reverse("sessions_end_all"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_signing_out_everywhere_asks_an_anonymous_visitor_to_sign_in(client, request):
    assert_access_matrix(
        client, request, [(reverse("sessions_end_all"), "post", {ANONYMOUS: SIGN_IN})]
    )


def test_a_superuser_without_the_role_is_still_refused(client):
    # has_role ignores is_superuser on purpose: the audit trail is for the named roles.
    boss = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss)
    assert client.get(reverse("portal:audit")).status_code == 403
    assert client.get(reverse("portal:organisation_settings")).status_code == 403


def test_a_person_who_lost_their_role_is_refused_on_their_next_page(client):
    reader = UserFactory(roles=[Role.DPO])
    client.force_login(reader)
    assert client.get(reverse("portal:audit")).status_code == 200
    reader.groups.clear()
    assert client.get(reverse("portal:audit")).status_code == 403


def test_another_persons_notification_is_not_found_for_every_role(client, request, alice):
    message = Notification.objects.create(
        dedup_key="x", recipient=alice, to_email=alice.email, subject="Private", body_text="."
    )
    url = reverse("portal:notification", args=[message.pk])
    assert_access_matrix(
        client, request, [(url, "get", {kind: 404 for kind in [LINE_MANAGER, *Role]})]
    )


@pytest.mark.parametrize("kind", PEOPLE, ids=[str(p) for p in PEOPLE])
def test_the_menu_shows_each_person_only_what_their_roles_allow(client, request, kind):
    client.force_login(person_for(request, kind))
    html = client.get(reverse("portal:dashboard")).text
    assert (f'href="{reverse("portal:audit")}"' in html) == (kind in AUDIT_READERS)
    assert (f'href="{reverse("portal:organisation_settings")}"' in html) == (kind == Role.SYSADMIN)
    holds = f'href="{reverse("portal:holds")}"' in html
    assert holds == (kind in (Role.DPO, Role.DEPUTY_DPO))
    assert f'href="{reverse("portal:notifications")}"' in html


def test_the_django_admin_is_closed_to_people_without_admin_access(client, dpo):
    client.force_login(dpo)
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response.url


def test_only_people_with_admin_access_see_the_django_admin_in_the_menu(client, sysadmin):
    client.force_login(sysadmin)
    assert 'href="/django-admin/"' not in client.get(reverse("portal:dashboard")).text
    sysadmin.is_staff = True
    sysadmin.save()
    assert 'href="/django-admin/"' in client.get(reverse("portal:dashboard")).text


def test_the_django_admin_needs_admin_access_and_the_system_administrator_role(client, dpo):
    # is_staff alone (a DPO once given it) does not open the admin; with the role it does.
    dpo.is_staff = True
    dpo.save()
    client.force_login(dpo)
    assert client.get("/django-admin/").status_code == 302
    sysadmin = UserFactory(is_staff=True, roles=[Role.SYSADMIN])
    client.force_login(sysadmin)
    assert client.get("/django-admin/").status_code == 200
    # Taking the role away closes the admin too.
    sysadmin.groups.clear()
    assert client.get("/django-admin/").status_code == 302


def test_a_superuser_may_use_the_django_admin_without_the_role_for_emergencies(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/django-admin/").status_code == 200


def test_the_readme_gives_the_audit_trail_to_exactly_the_roles_the_code_does():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(): line
        for line in readme.splitlines()
        if line.startswith("| ") and line.count("|") == 4
    }
    roles_of_row = {
        "data protection officer and deputy": {Role.DPO, Role.DEPUTY_DPO},
        "Chief Executive": {Role.CHIEF_EXECUTIVE},
        "Chief Executive's delegates": {Role.CE_DELEGATE},
        "policy administrator": {Role.POLICY_ADMIN},
        "IT helpdesk": {Role.HELPDESK},
        "professional standards": {Role.PSD},
        "system administrator": {Role.SYSADMIN},
    }
    for row, roles in roles_of_row.items():
        says_reads = "; read the audit trail" in rows[row]
        assert says_reads == roles.issubset(AUDIT_READERS), row
