"""The credential register in a real browser (Debian's Chromium), each page checked with
axe-core: alice opens her approved account and registers its credentials; the Chief Executive
reveals the password with a reason, their password and a code; a rotation falls due and alice
records the new password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.roles import Role
from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import TEST_PASSWORD
from socialmedia import crypto
from socialmedia.models import Account, Credential, Reveal, Rotation
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Heron-Browser-Password-3318"
NEW_PASSWORD = "Ibis-Browser-Password-7702"


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def _opened_password(account: Account) -> str:
    credential = Credential.objects.get(account=account)
    return crypto.unseal(credential.password_sealed, at=crypto.place(account.pk, "password"))


def test_alice_registers_the_chief_executive_reveals_and_alice_records_a_new_password(
    page: Page, live_server, alice, chief_executive
):
    account = AccountFactory(
        applicant=alice, status=Account.Status.APPROVED, handle="@WestshireProposed"
    )
    address = f"{live_server.url}/social-media/accounts/{account.pk}/"

    # Alice opens it: first with the passwords not matching, then properly.
    sign_in(page, live_server, alice)
    page.goto(address)
    assert_accessible(page)
    page.get_by_role("link", name="Record that it is open").click()
    expect(page.get_by_role("heading", name="Record that the account is open")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Handle").fill("@WestshireOPCC")
    page.get_by_label("Address of the account").fill("https://x.example.com/WestshireOPCC")
    page.get_by_label("Second sign-in step the account uses").select_option("app")
    page.get_by_label("Here, encrypted").check()
    page.get_by_label("Username").fill("westshire.opcc")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The password again").fill("not the same")
    page.get_by_label("Recovery email").fill("comms-recovery@example.org")
    page.get_by_role("button", name="Record it and register the credentials").click()
    expect(page.get_by_text("The two passwords are not the same").first).to_be_visible()
    expect(page.get_by_text("type them again before sending")).to_be_visible()
    assert PASSWORD not in page.content()
    expect(page.get_by_label("Handle")).to_have_value("@WestshireOPCC")
    assert_accessible(page)
    page.get_by_label("Username").fill("westshire.opcc")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The password again").fill(PASSWORD)
    page.get_by_role("button", name="Record it and register the credentials").click()
    expect(
        page.get_by_text("The account is open and its credentials are registered.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Credentials")).to_be_visible()
    assert PASSWORD not in page.content()
    assert_accessible(page)
    account.refresh_from_db()
    assert account.status == Account.Status.ACTIVE
    assert _opened_password(account) == PASSWORD

    # The Chief Executive reveals the password.
    device = authenticator_for(chief_executive)
    page.context.clear_cookies()
    sign_in(page, live_server, chief_executive)
    page.goto(address)
    page.get_by_role("link", name="Reveal the credentials").click()
    expect(page.get_by_role("heading", name="Reveal the credentials")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to see them?").fill(
        "A post must come down and alice is on leave."
    )
    page.get_by_label("Your password for this portal").fill(TEST_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_text(PASSWORD)).to_be_visible()
    expect(page.get_by_text("do not copy them anywhere else")).to_be_visible()
    assert_accessible(page)
    _fits_a_phone(page)
    page.get_by_role("button", name="Hide").click()
    expect(page.get_by_text(PASSWORD)).to_have_count(0)
    expect(page.get_by_text("Hidden.")).to_be_visible()
    assert Reveal.objects.get(account=account).outcome == "shown"

    # The reveal is in the log.
    page.goto(f"{live_server.url}/social-media/reveals/")
    expect(page.get_by_text("A post must come down and alice is on leave.")).to_be_visible()
    assert_accessible(page)

    # Bob leaves the team (part C's page does this): a new password is due, and alice records it.
    Account.objects.filter(pk=account.pk).update(
        rotation_due_since=timezone.now() - timedelta(hours=1),
        rotation_due_reason="Bob Manager was taken off the team",
    )
    page.context.clear_cookies()
    sign_in(page, live_server, alice)
    page.goto(address)
    expect(page.get_by_text("A new password is due since")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the new password").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*New password")).fill(NEW_PASSWORD)
    page.get_by_label("The new password again").fill(NEW_PASSWORD)
    page.get_by_label("The team changed").check()
    page.get_by_role("button", name="Record the new password").click()
    expect(page.get_by_text("New password recorded. The Chief Executive is told.")).to_be_visible()
    expect(page.get_by_text("A new password is due since")).to_have_count(0)
    assert_accessible(page)
    account.refresh_from_db()
    assert account.rotation_due_since is None
    assert _opened_password(account) == NEW_PASSWORD
    assert Rotation.objects.get(account=account).why == Rotation.Why.TEAM_CHANGED


def test_leaving_the_revealed_page_takes_the_secrets_out_of_it(
    page: Page, live_server, alice, chief_executive
):
    # Kept in the back/forward cache, the page would show them again on Back: on `pagehide`
    # they are removed, as the Hide button does.
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account, password=PASSWORD)
    device = authenticator_for(chief_executive)
    sign_in(page, live_server, chief_executive)
    page.goto(f"{live_server.url}/social-media/accounts/{account.pk}/reveal/")
    page.get_by_label("Why do you need to see them?").fill("Checking the recovery details.")
    page.get_by_label("Your password for this portal").fill(TEST_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_text(PASSWORD)).to_be_visible()
    page.wait_for_load_state("load")  # the page's script listening, as when a person leaves it

    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")

    expect(page.get_by_text(PASSWORD)).to_have_count(0)
    assert PASSWORD not in page.content()
