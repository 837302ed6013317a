"""What the whole-portal access table (portal/tests/test_whole_portal_access.py) does not ask:
superusers, roles taken away mid-session, signing out everywhere, and the menu, which follows
the same rules as the pages so nobody is shown a link to a page that refuses them.
"""

import pytest
from django.urls import reverse

from portal.roles import AUDIT_READERS, Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINE_MANAGER = "line manager"
PEOPLE = ["alice", LINE_MANAGER, *Role]


def person_for(request, kind):
    if kind == LINE_MANAGER:
        request.getfixturevalue("alice")  # bob is her line manager
        return request.getfixturevalue("bob")
    if kind in Role._value2member_map_:
        return UserFactory(roles=[Role(kind)])
    return request.getfixturevalue(kind)


@pytest.mark.parametrize("kind", PEOPLE, ids=[str(p) for p in PEOPLE])
def test_everyone_may_sign_themself_out_everywhere(client, request, kind):
    # It ends the very session asking: afterwards even the dashboard asks them to sign in.
    client.force_login(person_for(request, kind))
    response = client.post(reverse("sessions_end_all"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("portal:dashboard")).status_code == 302


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
