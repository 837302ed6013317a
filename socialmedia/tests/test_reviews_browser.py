"""A review in a real browser (Debian's Chromium) on a phone-sized window, each page checked
with axe-core: alice, whose account's review is due, opens it from the account page, leaves the
team box unticked, is told to say what she will do, adds a note and records the review."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from socialmedia.models import Account, Review
from socialmedia.tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_owner_confirms_a_review_due_on_a_phone(page: Page, live_server, alice, bob):
    account = AccountFactory(
        applicant=alice, team=[bob], review_due_at=timezone.now() - timedelta(days=2)
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('socialmedia:account', args=[account.pk])}")
    expect(page.get_by_role("heading", name="Review due")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Review the account").click()
    expect(page.get_by_role("heading", name=f"Review {account.name}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The account is accurate and up to date").check()
    page.get_by_label("Its profile links back").check()
    page.get_by_role("button", name="Record the review").click()

    # The team box was left unticked with no note: the page says what to add, keeping the ticks.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Say what you will do").first).to_be_visible()
    expect(page.get_by_label("Its profile links back")).to_be_checked()
    assert_accessible(page)
    assert not Review.objects.exists()

    page.get_by_label("Notes").fill("Bob moved teams last week: I am taking him off today.")
    page.get_by_role("button", name="Record the review").click()

    expect(page.get_by_text("the account's review is recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Review due")).to_have_count(0)
    expect(page.get_by_role("cell", name="Bob moved teams last week", exact=False)).to_be_visible()
    assert_accessible(page)
    review = Review.objects.get()
    assert (review.accurate, review.links_back, review.team_right) == (True, True, False)
    account.refresh_from_db()
    assert account.review_due_at > timezone.now() + timedelta(days=80)
    assert Account.objects.get(pk=account.pk).last_reviewed_at == review.reviewed_at
