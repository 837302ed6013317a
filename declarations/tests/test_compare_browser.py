"""Comparing versions in a real browser (Debian's Chromium), checked with axe-core, on a
desktop and at a phone's width."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.tests.factories import PolicyFactory, PolicyVersionFactory
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _version(policy, label: str, body: str, days_ago: int):
    return PolicyVersionFactory(
        policy=policy,
        label=label,
        body_markdown=body,
        published=True,
        effective_date=timezone.localdate() - timedelta(days=days_ago),
        published_at=timezone.now() - timedelta(days=days_ago),
    )


def test_a_member_of_staff_sees_what_changed_since_the_version_they_read(
    page: Page, live_server, alice
):
    policy = PolicyFactory(title="IT, communications and social media", slug="it")
    first = _version(policy, "3.0", "## Scope\n\nAll staff.\n\nKeep passwords safe.", 800)
    old = _version(policy, "4.0", "## Scope\n\nAll staff.\n\nDo not post about work.", 400)
    _version(policy, "5.0", "## Scope\n\nAll staff and contractors.\n\nDo not post about work.", 1)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/declarations/versions/{old.pk}/")

    page.get_by_role("link", name="see what changed").click()

    expect(
        page.get_by_role("heading", name="Compare versions of IT, communications and social media")
    ).to_be_visible()
    expect(page.get_by_text("What changed from version 4.0")).to_be_visible()
    expect(page.locator("ins")).to_contain_text(["and contractors"])
    assert_accessible(page)

    page.get_by_label("Compare version 5.0 with").select_option(value=str(first.pk))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("What changed from version 3.0")).to_be_visible()
    expect(page.locator("del")).to_contain_text(["Keep passwords safe."])
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390
