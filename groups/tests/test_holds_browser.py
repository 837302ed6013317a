"""In a real browser (Debian's Chromium), each page checked with axe-core: the DPO places a hold
on a group (after a first try without a reference), and a member acknowledges it from the
link in the email they were sent."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from groups.models import Hold
from groups.tests.factories import ChatGroupFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_dpo_places_a_hold_and_a_member_acknowledges_it_from_the_email(
    page: Page, live_server, dpo, alice, bob, mailoutbox
):
    group = ChatGroupFactory(approved=True, name="Front desk cover", members=[alice, bob])
    for n in range(40):
        ChatGroupFactory(approved=True, name=f"Neighbourhood policing {n:02d}")

    sign_in(page, live_server, dpo)
    page.get_by_role("button", name="Data protection").click()
    page.get_by_role("link", name="Chat group holds").click()
    expect(page.get_by_role("heading", name="Chat group holds", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Place a hold").click()
    expect(page.get_by_role("heading", name="Place a hold", level=1)).to_be_visible()
    assert_accessible(page)

    # First without a reference: refused, saying why, with the rest kept.
    page.get_by_label("Freedom of information request").check()
    page.get_by_label("Date the request arrived").fill(timezone.localdate().isoformat())
    page.get_by_label("Find a group by name").fill("front desk")
    expect(page.get_by_label("Neighbourhood policing 07")).to_be_hidden()
    page.get_by_label("Front desk cover").check()
    page.get_by_role("button", name="Place the hold and send the notices").click()
    expect(page.get_by_text("a hold without a reference is refused").first).to_be_visible()
    assert_accessible(page)
    assert not Hold.objects.exists()

    page.get_by_label("Reference").fill("FOI-2026-0142")
    page.get_by_role("button", name="Place the hold and send the notices").click()
    expect(page.get_by_role("heading", name="Hold FOI-2026-0142", level=1)).to_be_visible()
    expect(page.get_by_text("Notices: 0 of 3 acknowledged")).to_be_visible()
    assert_accessible(page)
    hold = Hold.objects.get()
    assert list(hold.groups.all()) == [group]

    # The notice was delivered to alice at once; its link is what she follows.
    (email,) = [m for m in mailoutbox if m.to == [alice.email]]
    assert "Do not delete anything" in email.subject
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/\S+/holds/notices/\d+/)", email.body)
    assert link, email.body
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link.group(1)}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(
        page.get_by_role("heading", name="Do not delete anything from the chat", level=1)
    ).to_be_visible()
    expect(page.get_by_text("FOI-2026-0142").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("I have read this notice")).check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("your acknowledgement is recorded")).to_be_visible()
    expect(page.get_by_text(re.compile("You acknowledged this notice on"))).to_be_visible()
    assert_accessible(page)
    assert hold.notices.get(user=alice).acknowledged_at is not None

    # The group's page says the hold is open, at the top, with nothing more for her to do.
    page.goto(f"{live_server.url}/chat-groups/{group.pk}/")
    expect(
        page.get_by_role("heading", name="A hold is open: do not delete anything from this chat")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Read and acknowledge your notice")).to_have_count(0)
    assert_accessible(page)
