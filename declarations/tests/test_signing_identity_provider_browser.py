"""Signing a declaration in Chromium after signing in through the identity provider (the real
test provider): the fresh sign-in there (prompt=login), and the record that says so."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.testing.oidc_provider import PASSWORD
from portal.tests.browser import assert_accessible
from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at_the_provider(page, email):
    expect(page.get_by_role("heading", name="Test identity provider: sign in")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_signing_a_declaration_asks_for_a_fresh_sign_in_at_the_provider(
    page, live_server, identity_provider
):
    alice = UserFactory(email="alice@example.org", full_name="Alice Staff")
    version = PolicyVersionFactory(published=True, policy__title="IT and social media policy")
    obligation = ObligationFactory(
        campaign=CampaignFactory(open=True, versions=[version]), user=alice
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test ID").click()
    _at_the_provider(page, alice.email)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/declarations/sign/{obligation.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm who I am at Test ID").click()
    # prompt=login: the provider asks again, although the browser is signed in there.
    _at_the_provider(page, alice.email)
    expect(page.get_by_text("You confirmed who you are at Test ID")).to_be_visible()
    page.get_by_label(re.compile("^I have read")).check()
    page.get_by_label("Type your full name").fill("Alice Staff")
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("heading", name="Your declaration is signed")).to_be_visible()

    declaration = Declaration.objects.get()
    assert declaration.identity_checked_by == Declaration.IdentityCheck.IDENTITY_PROVIDER
    page.get_by_role("link", name="See and print the full record").click()
    expect(
        page.get_by_role("row", name=re.compile("How they proved who they were"))
    ).to_contain_text("Signed in again at the organisation's identity provider")
