"""The team and a hand-over in a real browser (Debian's Chromium), each page checked with
axe-core: alice takes bob off her account's team, is told a new password is due and records
it; alice offers the account to bob, who accepts it on his phone."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory
from socialmedia.models import Account, HandOver, TeamMember
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_alice_takes_bob_off_the_team_and_a_new_password_is_due(
    page: Page, live_server, alice, bob
):
    carol = UserFactory(full_name="Carol Comms")
    account = AccountFactory(applicant=alice, team=[bob, carol], handle="@WestshireOPCC")
    CredentialFactory(account=account)
    sign_in(page, live_server, alice)

    page.goto(f"{live_server.url}/social-media/accounts/{account.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="See the team and its history").click()
    expect(page.get_by_role("heading", name="Who has access to Westshire OPCC")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Take off the team\s+Bob Manager")).click()

    # Sent without a reason first: the form says what to fix.
    page.get_by_role("button", name="Take off the team").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are they coming off the team?").fill("Moved to the finance team.")
    page.get_by_role("button", name="Take off the team").click()

    done = "Bob Manager is off the team. A new password is now due."
    expect(page.get_by_text(done)).to_be_visible()
    banner = page.locator("#rotation-due")
    expect(banner).to_contain_text("A new password is due")
    expect(banner).to_contain_text("Bob Manager was taken off the team")
    expect(page.get_by_role("cell", name="Moved to the finance team.")).to_be_visible()
    assert_accessible(page)
    assert not TeamMember.objects.current().filter(account=account, user=bob).exists()
    assert Account.objects.get(pk=account.pk).rotation_due
    assert Notification.objects.filter(
        recipient=alice, subject__startswith="A new password is due"
    ).exists()

    # Alice changes the password on the platform and records the new one: no longer due.
    page.goto(f"{live_server.url}/social-media/accounts/{account.pk}/")
    expect(page.get_by_text("A new password is due since")).to_be_visible()
    page.get_by_role("link", name="Record the new password").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*New password")).fill("Brand-New-Platform-Password-7")
    page.get_by_label("The new password again").fill("Brand-New-Platform-Password-7")
    page.get_by_label("The team changed").check()
    page.get_by_role("button", name="Record the new password").click()
    expect(page.get_by_text("New password recorded. The Chief Executive is told.")).to_be_visible()
    expect(page.get_by_text("A new password is due since")).to_have_count(0)
    assert_accessible(page)
    assert not Account.objects.get(pk=account.pk).rotation_due


def test_alice_offers_the_account_to_bob_who_accepts_on_his_phone(
    page: Page, browser: Browser, live_server, alice, bob, chief_executive
):
    account = AccountFactory(applicant=alice, team=[bob], handle="@WestshireOPCC")
    CredentialFactory(account=account)
    sign_in(page, live_server, alice)

    page.goto(f"{live_server.url}/social-media/accounts/{account.pk}/")
    page.get_by_role("link", name="Hand the account over to someone on the team").click()
    expect(page.get_by_role("heading", name="Hand over: Westshire OPCC")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bob Manager").check()
    page.get_by_label("A note for them (optional)").fill("I am moving to HR next month.")
    page.get_by_role("button", name="Offer them the account").click()
    expect(page.get_by_text("Offered to Bob Manager.")).to_be_visible()
    expect(page.get_by_role("heading", name="Offered to Bob Manager")).to_be_visible()
    assert_accessible(page)
    assert Notification.objects.filter(recipient=chief_executive).exists()

    phone = browser.new_context(viewport=PHONE)
    try:
        bobs = phone.new_page()
        sign_in(bobs, live_server, bob)
        bobs.goto(f"{live_server.url}/social-media/accounts/{account.pk}/")
        expect(
            bobs.get_by_role("heading", name="Alice Staff is handing this account to you")
        ).to_be_visible()
        expect(bobs.get_by_text("I am moving to HR next month.")).to_be_visible()
        assert_accessible(bobs)
        assert bobs.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        bobs.get_by_role("button", name="Accept the account").click()
        expect(bobs.get_by_text("You now own the account.")).to_be_visible()
        expect(bobs.get_by_text("owner Bob Manager")).to_be_visible()
        assert_accessible(bobs)
    finally:
        phone.close()
    assert Account.objects.get(pk=account.pk).owner == bob
    assert HandOver.objects.get(account=account).outcome == HandOver.Outcome.ACCEPTED
