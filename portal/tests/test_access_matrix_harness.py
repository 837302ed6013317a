"""The role-matrix harness itself: it must fail loudly when a page answers someone wrongly."""

import pytest
from django.urls import reverse

from portal.roles import Role
from portal.testing.access_matrix import (
    ALLOWED,
    ANONYMOUS,
    LINE_MANAGER,
    SIGN_IN,
    assert_access_matrix,
    person_for,
)

pytestmark = pytest.mark.django_db


def test_a_matrix_that_matches_passes(client, request):
    audit = reverse("portal:audit")
    assert_access_matrix(
        client,
        request,
        [(audit, "get", {"alice": 403, Role.DPO: ALLOWED, ANONYMOUS: SIGN_IN})],
    )


def test_every_wrong_answer_is_listed_together(client, request):
    audit, settings_page = reverse("portal:audit"), reverse("portal:organisation_settings")
    with pytest.raises(AssertionError) as failure:
        assert_access_matrix(
            client,
            request,
            [
                (audit, "get", {"alice": ALLOWED, ANONYMOUS: 403}),
                (settings_page, "get", {Role.DPO: ALLOWED}),
            ],
        )
    message = str(failure.value)
    assert f"alice: GET {audit} expected allowed, got 403" in message
    assert f"anonymous: GET {audit} expected 403, got 302 to /accounts/login/" in message
    assert f"{Role.DPO}: GET {settings_page} expected allowed, got 403" in message


def test_a_refusal_must_be_the_portals_own_page(client, request, alice):
    # A 404 from a missing URL is the portal's page; a status alone is not enough.
    assert_access_matrix(client, request, [("/no-such-page/", "get", {"alice": 404})])


def test_people_are_named_by_fixture_role_or_as_alices_line_manager(request, bob):
    assert person_for(request, ANONYMOUS) is None
    assert person_for(request, LINE_MANAGER) == bob
    assert person_for(request, Role.HELPDESK).has_role(Role.HELPDESK)
    assert person_for(request, "charlie").full_name == "Charlie Outsider"
