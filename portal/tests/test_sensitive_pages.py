"""Pages about people tell browsers and proxies never to keep a copy (Cache-Control: no-store):
the audit trail, the People pages and every CSV export."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.access import access_required, is_signed_in
from portal.events import PortalEvent
from portal.lib.csv_export import csv_export
from portal.lib.sensitive import sensitive_page
from portal.roles import Role
from portal.tests.factories import UserFactory


def stored(response) -> bool:
    return "no-store" not in response.get("Cache-Control", "")


def _page(request):
    return HttpResponse("a page about people")


@pytest.mark.django_db
def test_the_decorator_and_the_flag_mark_a_page_never_to_be_stored(alice):
    request = RequestFactory().get("/")
    request.user = alice
    assert not stored(sensitive_page(_page)(request))
    assert not stored(access_required(is_signed_in, sensitive=True)(_page)(request))
    # Without either, a page is left to the browser's usual caching.
    assert stored(access_required(is_signed_in)(_page)(request))
    assert "private" in sensitive_page(_page)(request)["Cache-Control"]


@pytest.fixture
def sysadmin_with_person(db, client):
    admin = UserFactory(roles=[Role.SYSADMIN])
    person = UserFactory(full_name="Pat Person")
    client.force_login(admin)
    return person


@pytest.mark.parametrize(
    "name",
    [
        "portal:audit",
        "portal:audit_export",
        "portal:people",
        "portal:person",
        "portal:person_role_grant",
        "portal:person_deactivate",
        "portal:person_unlock",
    ],
)
def test_the_audit_trail_and_the_people_pages_are_never_stored(client, sysadmin_with_person, name):
    args = [sysadmin_with_person.pk] if name.startswith("portal:person") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code in (200, 302)
    assert not stored(response), response.get("Cache-Control")


def test_a_person_page_shown_again_with_errors_is_never_stored(client, sysadmin_with_person):
    response = client.post(
        reverse("portal:person_deactivate", args=[sysadmin_with_person.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert not stored(response)


def test_an_ordinary_page_is_not_marked(client, alice):
    client.force_login(alice)
    assert stored(client.get(reverse("portal:dashboard")))


@pytest.mark.django_db
def test_every_csv_export_is_never_stored(alice):
    response = csv_export(
        rows=iter([["Name"], ["Alice"]]),
        filename="people.csv",
        verb=PortalEvent.AUDIT_EXPORTED,
        by=alice,
    )
    assert not stored(response)
