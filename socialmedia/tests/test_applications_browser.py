"""Applying for a corporate account in a real browser (Debian's Chromium), each page checked
with axe-core: alice applies on a phone, the Chief Executive asks for a change, alice revises,
the Chief Executive approves, and the approval letter shows and prints; and the register's
review badges and a filter left out."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.models import OrganisationSettings
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from socialmedia.models import Account
from socialmedia.tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _as(page: Page, live_server, person) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, person)


def _fits(page: Page) -> None:
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_an_application_is_asked_to_change_revised_approved_and_its_letter_printed(
    page: Page, live_server, alice, bob, chief_executive
):
    org = OrganisationSettings.load()
    org.name, org.website_url = "Office of the Westshire PCC", "https://westshire.example.org/"
    org.save()

    # Alice applies, on her phone.
    page.set_viewport_size(PHONE)
    _as(page, live_server, alice)
    page.get_by_role("link", name="Apply for a corporate account").click()
    expect(
        page.get_by_role("heading", name="Apply for a corporate social media account")
    ).to_be_visible()
    _fits(page)
    expect(page.get_by_label("Link back to the main website")).to_have_value(org.website_url)
    page.get_by_role("combobox", name="Platform").select_option("instagram")
    page.get_by_label("Proposed account name").fill("Westshire OPCC")
    page.get_by_label("Proposed handle").fill("@westshireopcc")
    page.get_by_label("How it will promote the work of the organisation").fill(
        "Show the Commissioner's work in the community."
    )
    page.get_by_label("Who it is for").fill("Young people in Westshire.")
    page.get_by_label("Planned flow of content").fill("Three posts a week.")
    page.get_by_label("Colleagues who will have access").fill("nobody@example.org")
    page.get_by_role("button", name="Send the application").click()

    # A colleague who is not in the portal, and no tick: both said, what was typed kept.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_text("Line 1: “nobody@example.org” is not the work email").first
    ).to_be_visible()
    expect(page.get_by_label("Proposed handle")).to_have_value("@westshireopcc")
    _fits(page)
    page.get_by_label("Colleagues who will have access").fill(bob.email)
    page.get_by_label("I have read these responsibilities and will meet them").check()
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("heading", name="Your application has been sent")).to_be_visible()
    _fits(page)
    account = Account.objects.get()

    # The Chief Executive asks for a change, on the desktop.
    page.set_viewport_size(DESKTOP)
    _as(page, live_server, chief_executive)
    page.get_by_role("button", name="Chief Executive").click()
    page.get_by_role("link", name="Accounts to decide").click()
    expect(page.get_by_role("heading", name="Accounts to decide")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Westshire OPCC @westshireopcc").click()
    expect(
        page.get_by_role("heading", name="Decide: Westshire OPCC @westshireopcc")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ask for changes").check()
    page.get_by_label("Reason").fill("Say who posts at weekends.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Changes asked for: Instagram @westshireopcc.")).to_be_visible()
    assert_accessible(page)

    # Alice sees what was asked and revises.
    _as(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('socialmedia:account', args=[account.pk])}")
    expect(page.get_by_text("Say who posts at weekends.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Revise the application").first.click()
    expect(page.get_by_label("Proposed handle")).to_have_value("@westshireopcc")
    assert_accessible(page)
    page.get_by_label("Planned flow of content").fill("Three posts a week; Bob posts at weekends.")
    page.get_by_label("I have read these responsibilities and will meet them").check()
    page.get_by_role("button", name="Send the revised application").click()
    expect(page.get_by_role("heading", name="Your application has been sent")).to_be_visible()

    # The Chief Executive approves.
    _as(page, live_server, chief_executive)
    page.goto(f"{live_server.url}{reverse('socialmedia:decide', args=[account.pk])}")
    expect(page.get_by_text("Changes asked for").first).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_label("Reason").fill("A clear plan that reaches young people.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Approved: Instagram @westshireopcc.")).to_be_visible()
    assert_accessible(page)

    # The letter, on screen and in print.
    page.get_by_role("link", name="The approval letter").click()
    expect(page.get_by_role("heading", name="Decision of the Chief Executive")).to_be_visible()
    expect(page.locator("main").get_by_text("Office of the Westshire PCC")).to_be_visible()
    expect(page.get_by_text("A clear plan that reaches young people.")).to_be_visible()
    print_button = page.get_by_role("button", name="Print the letter")
    expect(print_button).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("heading", name="Decision of the Chief Executive")).to_be_visible()
    expect(page.locator("header")).to_be_hidden()
    account.refresh_from_db()
    assert account.status == Account.Status.APPROVED


def test_the_register_says_review_due_and_overdue_and_names_a_filter_left_out(
    page: Page, live_server, alice, chief_executive
):
    now = timezone.now()
    AccountFactory(applicant=alice, handle="@due", review_due_at=now - timedelta(days=1))
    AccountFactory(applicant=alice, handle="@late", review_due_at=now - timedelta(days=30))
    page.set_viewport_size(DESKTOP)
    _as(page, live_server, chief_executive)
    register = f"{live_server.url}{reverse('socialmedia:register')}"
    page.goto(register)
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="@due").get_by_text("Review due", exact=True)).to_be_visible()
    expect(rows.filter(has_text="@late").get_by_text("Overdue", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name="Review").select_option("overdue")
    page.get_by_role("button", name="Filter").click()
    expect(rows.filter(has_text="@late")).to_be_visible()
    expect(rows.filter(has_text="@due")).to_have_count(0)

    # An address from an older page: the bad filter is named, the good one kept.
    page.set_viewport_size(PHONE)
    page.goto(f"{register}?review=overdue&status=bogus")
    expect(
        page.get_by_text("This filter was not understood and is left out: Status.")
    ).to_be_visible()
    expect(rows.filter(has_text="@due")).to_have_count(0)
    _fits(page)
