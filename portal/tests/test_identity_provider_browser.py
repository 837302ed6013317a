"""Signing in through the identity provider in Chromium, against the real test provider: the
redirect there, its login page, the code exchange and ID token check, and landing signed in."""

import re

import pytest
from playwright.sync_api import expect

from portal.roles import Role
from portal.testing.oidc_provider import PASSWORD
from portal.testing.second_factor import authenticator_for
from portal.tests.browser import assert_accessible
from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at_the_provider(page, email):
    expect(page.get_by_role("heading", name="Test identity provider: sign in")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_in(page, live_server, email):
    # A new visit: the provider would otherwise sign its last person in again without asking.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test ID").click()
    _at_the_provider(page, email)


def test_a_member_of_staff_signs_in_through_the_provider(page, live_server, identity_provider):
    UserFactory(email="alice@example.org", full_name="Alice Staff")
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    # The password form is still there, below the provider's button.
    expect(page.get_by_label("Email address")).to_be_visible()
    page.get_by_role("link", name="Sign in with Test ID").click()
    _at_the_provider(page, "alice@example.org")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Alice Staff").first).to_be_visible()


def test_a_deactivated_person_and_an_unknown_address_are_refused(
    page, live_server, identity_provider, settings
):
    UserFactory(email="leaver@example.org", is_active=False)
    _sign_in(page, live_server, "leaver@example.org")
    expect(page.get_by_role("alert")).to_contain_text("has been closed")
    assert_accessible(page)

    _sign_in(page, live_server, "newcomer@example.org")
    expect(page.get_by_role("alert")).to_contain_text("There is no account in the portal")

    settings.OIDC_CREATE_USERS = True
    _sign_in(page, live_server, "newcomer@example.org")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Nia Newcomer").first).to_be_visible()


@pytest.mark.parametrize("trusted", [True, False], ids=["mfa trusted", "mfa not trusted"])
def test_the_providers_mfa_opens_the_audit_trail_only_when_the_organisation_says_so(
    page, live_server, identity_provider, settings, trusted
):
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = trusted
    dpo = UserFactory(email="dpo@example.org", full_name="Dana Protection", roles=[Role.DPO])
    authenticator_for(dpo)
    _sign_in(page, live_server, dpo.email)
    page.wait_for_url(re.compile(re.escape(live_server.url)))
    page.goto(f"{live_server.url}/audit/")
    if trusted:
        expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Enter your code", level=1)).to_be_visible()
