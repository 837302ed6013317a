"""A member confirms a clear-down from the link in their email, in Chromium, each page checked
with axe-core, at desk and phone width; the prompter confirms posting on the group's page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from groups.models import ClearDownCycle, ClearDownPrompt
from groups.schedule import Schedule
from groups.services.cleardowns import clear_downs_sweep
from groups.tests.factories import ChatGroupFactory
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties the role groups a data migration made; put them back.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def prompted(alice, bob):
    """alice's group, whose period opened half an hour ago and has been prompted."""
    now = timezone.now()
    at = (timezone.localtime(now) - timedelta(minutes=30)).time().replace(microsecond=0)
    anchor = timezone.localdate(now) - timedelta(days=7)
    group = ChatGroupFactory(
        approved=True,
        name="Front desk cover",
        admin=bob,
        members=[alice],
        cycle_anchor=anchor,
        cleardown_time=at,
    )
    group.next_cycle_at = Schedule(anchor=anchor, at=at, interval_days=7).latest(now)
    group.save()
    clear_downs_sweep(now=now)
    return ClearDownCycle.objects.get(group=group)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (375, 740)], ids=["desk", "phone"])
def test_a_member_confirms_a_clear_down_from_the_link_in_their_email(
    page: Page, live_server, alice, prompted, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    email = Notification.objects.get(dedup_key=f"cd-member:{prompted.pk}:{alice.pk}")
    link = re.search(
        rf"{re.escape(settings.SITE_URL)}(/chat-groups/clear-downs/\d+/\d+/\S+/)", email.body_text
    )
    assert link, email.body_text

    page.goto(f"{live_server.url}{link.group(1)}")
    expect(page.get_by_role("heading", name="Confirm you cleared the chat")).to_be_visible()
    assert_accessible(page)
    # The guidance is a signed-in page; the link works without signing in.
    expect(page.get_by_role("link", name="See how, step by step")).to_be_visible()

    page.get_by_role("button", name="I have cleared the chat").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert_accessible(page)
    prompt = ClearDownPrompt.objects.get(cycle=prompted, user=alice)
    assert prompt.confirmed_via == ClearDownPrompt.Via.EMAIL_LINK

    # Opened again, the link says it was used and records nothing new.
    page.goto(f"{live_server.url}{link.group(1)}")
    expect(page.get_by_role("status")).to_contain_text("already confirmed")
    assert_accessible(page)


def test_the_admin_confirms_posting_the_prompt_and_sees_the_period_on_the_group_page(
    page: Page, live_server, bob, prompted
):
    sign_in(page, live_server, bob)
    page.goto(f"{live_server.url}/chat-groups/{prompted.group_id}/")
    assert_accessible(page)

    page.get_by_role("button", name="I posted the prompt in the chat").click()

    expect(page.get_by_text("you posted the clear-down prompt")).to_be_visible()
    expect(page.get_by_role("heading", name="Clear-downs")).to_be_visible()
    assert_accessible(page)
    prompted.refresh_from_db()
    assert prompted.prompt_posted_at is not None
    page.goto(f"{live_server.url}/chat-groups/clear-downs/")
    expect(page.get_by_role("heading", name="Clear-downs I owe")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="How to clear a chat, step by step").click()
    expect(page.get_by_role("heading", name="On WhatsApp")).to_be_visible()
    assert_accessible(page)
