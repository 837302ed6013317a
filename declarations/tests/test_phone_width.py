"""On a phone (390 × 844, a common handset): My team, the printable record and the receipt email
fit the screen with nothing scrolling sideways, and policy text never scrolls inside a box of
its own within the scrolling page. Screenshots go to $PHONE_SCREENSHOTS when it is set."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from declarations.services.signing import declaration_sign
from declarations.tests.factories import (
    CampaignFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
    every_version,
)
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Long enough that a box of fixed height around it would have to scroll.
BODY = "# Scope\n\n" + "\n\n".join(
    f"{n}. Paragraph {n} of the policy, which everyone must read in full before signing."
    for n in range(1, 60)
)
# Elements whose content is wider than they are (an inner sideways scroll), and the page's own.
_TOO_WIDE = """() => ({
  page: document.scrollingElement.scrollWidth,
  inner: [...document.querySelectorAll("body *")]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
    .map(e => e.tagName + "." + e.className),
})"""
# Any box holding policy text that scrolls on its own.
_INNER_SCROLL = """() => [...document.querySelectorAll(".policy-text")].flatMap(text => {
  const boxes = [];
  for (let e = text; e && e !== document.body; e = e.parentElement) {
    const y = getComputedStyle(e).overflowY;
    if ((y === "auto" || y === "scroll") && e.scrollHeight > e.clientHeight + 1) {
      boxes.push(e.tagName + "." + e.className);
    }
  }
  return boxes;
})"""


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def scene(alice, charlie, bob):
    policy = PolicyFactory(title="Use of IT, communications and social media", slug="it")
    version = PolicyVersionFactory(policy=policy, published=True, label="4.0", body_markdown=BODY)
    campaign = CampaignFactory(
        open=True, versions=[version], name="Annual declaration for the whole office 2026"
    )
    ExtraStatementFactory(campaign=campaign)
    alice.politically_restricted = True
    alice.save()
    charlie.line_manager = bob
    charlie.save()
    signed = ObligationFactory(campaign=campaign, user=alice)
    overdue = ObligationFactory(
        campaign=campaign, user=charlie, due_at=timezone.now() - timedelta(days=3)
    )
    declaration = declaration_sign(
        obligation=signed,
        by=alice,
        typed_name=alice.full_name,
        read=every_version(signed),
        password=TEST_PASSWORD,
        ip="2001:db8:85a3::8a2e:370:7334",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    )
    return {"version": version, "overdue": overdue, "declaration": declaration}


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("PHONE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _assert_fits(page: Page, name: str) -> None:
    _screenshot(page, name)
    width = page.evaluate(_TOO_WIDE)
    assert width["page"] <= PHONE["width"], name
    assert width["inner"] == [], name


def test_my_team_fits_a_phone(page: Page, live_server, bob, scene):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, bob)
    page.goto(f"{live_server.url}{reverse('declarations:my_team')}")
    _assert_fits(page, "my-team")
    assert_accessible(page)


def test_the_printable_record_fits_a_phone(page: Page, live_server, alice, scene):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('declarations:record', args=[scene['declaration'].pk])}")
    _assert_fits(page, "record")
    assert_accessible(page)


def test_the_receipt_email_fits_a_phone(page: Page, scene):
    receipt = Notification.objects.get(dedup_key=f"decl-receipt:{scene['declaration'].pk}")
    page.set_viewport_size(PHONE)
    page.set_content(receipt.body_html)
    _assert_fits(page, "receipt-email")


def test_policy_text_has_no_scrolling_box_of_its_own(page: Page, live_server, charlie, scene):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, charlie)
    for name, path in (
        ("sign", reverse("declarations:sign", args=[scene["overdue"].pk])),
        ("version", reverse("declarations:version", args=[scene["version"].pk])),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".policy-text").count() >= 1
        assert page.evaluate(_INNER_SCROLL) == [], name
        _assert_fits(page, name)
