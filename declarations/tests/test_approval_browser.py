"""Approval before publishing and recording a policy review, in a real browser (Debian's
Chromium), checked with axe-core, on a desktop and at a phone's width."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.models import Policy, PolicyVersion
from declarations.tests.factories import PolicyFactory, PolicyVersionFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_a_second_administrator_approves_a_version_before_its_author_publishes_it(
    page: Page, live_server
):
    author = UserFactory(full_name="Ann Author", email="ann@example.org", roles=[Role.POLICY_ADMIN])
    approver = UserFactory(
        full_name="Victor Approver", email="victor@example.org", roles=[Role.POLICY_ADMIN]
    )
    policy = PolicyFactory(title="Clear desk", slug="clear-desk", versions_need_approval=True)
    version = PolicyVersionFactory(policy=policy, label="1.0", created_by=author)
    url = f"{live_server.url}/declarations/manage/versions/{version.pk}/"

    sign_in(page, live_server, author)
    page.goto(url)
    expect(page.get_by_role("button", name="Publish version 1.0")).to_have_count(0)
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_text("is waiting for approval")).to_be_visible()
    expect(page.get_by_role("button", name="Approve version 1.0")).to_have_count(0)
    assert_accessible(page)
    _fits_a_phone(page)

    page.context.clear_cookies()
    sign_in(page, live_server, approver)
    page.goto(url)
    page.get_by_role("button", name="Send it back for changes").click()
    expect(page.get_by_text("Say what needs to change before it can be approved.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Note (optional)").fill("Checked with the legal team.")
    page.get_by_role("button", name="Approve version 1.0").click()
    expect(page.get_by_text("Approved by Victor Approver")).to_be_visible()
    assert_accessible(page)
    _fits_a_phone(page)

    page.context.clear_cookies()
    sign_in(page, live_server, author)
    page.goto(url)
    expect(page.get_by_text("Checked with the legal team.")).to_be_visible()
    page.get_by_role("button", name="Publish version 1.0").click()
    expect(page.get_by_text("is published")).to_be_visible()
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.approved_by == approver


def test_an_owner_records_an_overdue_review(page: Page, live_server, policy_admin):
    overdue = timezone.localdate() - timedelta(days=3)
    PolicyFactory(title="Clear desk", slug="clear-desk", owner=policy_admin, review_date=overdue)
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}/declarations/manage/policies/")
    expect(page.locator(".badge-overdue")).to_have_text("Review overdue")
    assert_accessible(page)
    page.get_by_role("link", name="Clear desk").click()
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    _fits_a_phone(page)
    page.get_by_label("What the review found (optional)").fill("No change needed.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Review recorded")).to_be_visible()
    expect(page.locator(".badge-overdue")).to_have_count(0)
    assert Policy.objects.get(slug="clear-desk").review_date > timezone.localdate()
