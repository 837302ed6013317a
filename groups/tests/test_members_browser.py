"""The members part in a real browser (Debian's Chromium), each page checked with axe-core: the
admin adds a member, who acknowledges the group's rules from the email's link; and every other
page of the part, as the person who uses it sees it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from groups.models import Membership
from groups.outbox import rules_key
from groups.tests.factories import ChatGroupFactory, ConcernFactory, MembershipFactory
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups made by a data
    # migration included; put them back so the tests here do not depend on running first.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_admin_adds_a_member_who_acknowledges_the_rules(page: Page, live_server, alice, bob):
    group = ChatGroupFactory(approved=True, admin=alice, name="Front desk cover")
    sign_in(page, live_server, alice)

    page.goto(f"{live_server.url}{reverse('groups:group', args=[group.pk])}")
    assert_accessible(page)
    page.get_by_role("link", name="Manage members").click()
    expect(page.get_by_role("heading", name="Members of Front desk cover")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Members of staff to add").fill(bob.email)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_text("Added to the group: Bob Manager.")).to_be_visible()
    expect(page.get_by_text("Not yet acknowledged")).to_be_visible()
    assert_accessible(page)

    # Bob follows the link in the email he was sent.
    membership = Membership.objects.get(group=group, user=bob)
    email = Notification.objects.get(dedup_key=rules_key(membership.pk))
    page.context.clear_cookies()
    sign_in(page, live_server, bob)
    page.goto(f"{live_server.url}{email.url}")
    expect(page.get_by_role("heading", name="Front desk cover: purpose and rules")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the rules").click()
    # Sent without the tick: the page says what to fix.
    expect(page.get_by_text("Tick the box to say you have read the rules.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have read the group's purpose and rules and will keep to them").check()
    page.get_by_role("button", name="Acknowledge the rules").click()
    expect(page.get_by_text("you have acknowledged the group's rules")).to_be_visible()
    assert_accessible(page)
    membership.refresh_from_db()
    assert membership.rules_acknowledged_at is not None

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Chat groups")).to_be_visible()
    assert_accessible(page)


def _check(page: Page, live_server, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200, path
    assert_accessible(page)


def test_every_page_of_the_members_part_is_accessible(page: Page, live_server, alice, bob, dpo):
    group = ChatGroupFactory(
        approved=True,
        admin=alice,
        members=[bob],
        review_due_at=timezone.now() - timedelta(days=1),
    )
    MembershipFactory(
        group=group, removed_at=timezone.now(), removal_reason="left the organisation"
    )
    concern = ConcernFactory(group=group, raised_by=alice)
    sign_in(page, live_server, alice)
    for path in (
        "/",
        reverse("groups:group", args=[group.pk]),
        reverse("groups:members", args=[group.pk]),
        reverse("groups:member_remove", args=[group.memberships.get(user=bob).pk]),
        reverse("groups:review", args=[group.pk]),
        reverse("groups:concern_about_group", args=[group.pk]),
        reverse("groups:concern_unlisted"),
        reverse("groups:concern_received", args=[concern.pk]),
    ):
        _check(page, live_server, path)

    page.context.clear_cookies()
    sign_in(page, live_server, dpo)
    for path in (
        reverse("groups:concerns"),
        reverse("groups:concern", args=[concern.pk]),
        reverse("groups:admin_change", args=[group.pk]),
    ):
        _check(page, live_server, path)
