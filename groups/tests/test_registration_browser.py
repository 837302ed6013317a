"""Registering a group in Chromium, checked with axe-core on every page: a member of staff
applies on a phone (adding a member with the type-ahead), and the DPO asks for a change, the
applicant revises and sends it again, and the DPO approves it."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from groups.models import ChatGroup, Submission
from groups.services.registration import chat_group_submit
from groups.tests.reg_helpers import full_application
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _fill_application(page: Page) -> None:
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Business purpose").fill(
        "Arranging cover for the front desk at short notice."
    )
    page.get_by_label("Who the group is for").fill("The front desk team and their supervisors.")
    page.get_by_label("What will be posted").fill("Shift changes and who is covering.")
    page.get_by_label("What must never be posted").fill(
        "Operational details, protectively marked material, personal details."
    )
    page.get_by_label("Why email or Teams will not do").fill(
        "Most of the team are away from desks."
    )
    page.get_by_label("Expected number of members").fill("4")
    page.get_by_label("Deputy admin", exact=True).fill("bob@example.org")
    page.get_by_label("The group carries the organisation's logo as its picture").check()


def test_a_member_of_staff_registers_a_group_on_a_phone(
    page: Page, live_server, alice, bob, charlie
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/chat-groups/")
    assert_accessible(page)
    page.get_by_role("link", name="Register a group").click()
    expect(page.get_by_role("heading", name="Register a work chat group")).to_be_visible()
    assert_accessible(page)

    # Sent too soon: the page keeps what was typed and says what to fix.
    page.get_by_label("Group name").fill("Northfield front desk")
    page.get_by_role("button", name="Send to the data protection officer").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Say what the group is for")
    expect(summary).to_contain_text("Confirm the group carries the organisation's logo")
    expect(page.get_by_label("Group name")).to_have_value("Northfield front desk")
    assert_accessible(page)

    _fill_application(page)
    # The type-ahead: nobody matches a nonsense name, and it says so.
    search = page.get_by_label("Find someone to add, by name")
    search.fill("zzqx")
    expect(page.get_by_role("status").filter(has_text="Nobody matches")).to_have_text(
        "Nobody matches “zzqx”."
    )
    search.fill("Charl")
    option = page.get_by_role("option", name=re.compile("Charlie Outsider"))
    expect(option).to_be_visible()
    assert_accessible(page)
    search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.get_by_label("Members of staff")).to_have_value("charlie@example.org")
    expect(page.get_by_role("status").filter(has_text="Added")).to_contain_text("Charlie Outsider")
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Send to the data protection officer").click()
    expect(page.locator("[data-status-banner]")).to_contain_text(
        "Awaiting the data protection officer's decision"
    )
    assert_accessible(page)
    group = ChatGroup.objects.get()
    assert group.status == ChatGroup.Status.SUBMITTED
    assert {m.user for m in group.memberships.current()} == {alice, bob, charlie}


def test_the_dpo_asks_for_a_change_the_applicant_revises_and_the_dpo_approves(
    page: Page, browser, live_server, alice, bob, dpo
):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    sign_in(page, live_server, dpo)
    page.get_by_role("button", name="Data protection").click()
    page.get_by_role("link", name="Chat groups awaiting decision").click()
    assert_accessible(page)
    page.get_by_role("link", name=group.name).click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for changes").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Say what the applicant should change"
    )
    page.get_by_label("What should change").fill("Say that only the desk team may join.")
    page.get_by_role("button", name="Ask for changes").click()
    expect(page.get_by_text("Changes asked for")).to_be_visible()
    assert Notification.objects.filter(recipient=alice, subject__contains="changes asked").exists()

    applicant = browser.new_context().new_page()
    sign_in(applicant, live_server, alice)
    applicant.goto(f"{live_server.url}/chat-groups/{group.pk}/")
    expect(applicant.locator("[data-status-banner]")).to_contain_text("Say that only the desk team")
    assert_accessible(applicant)
    applicant.get_by_role("link", name="Revise and send again").click()
    assert_accessible(applicant)
    applicant.get_by_label("Who the group is for").fill("Only the front desk team.")
    applicant.get_by_role("button", name="Send to the data protection officer").click()
    expect(applicant.locator("[data-status-banner]")).to_contain_text("Awaiting")
    applicant.context.close()

    page.goto(f"{live_server.url}/chat-groups/decisions/")
    page.get_by_role("link", name=group.name).click()
    expect(page.get_by_role("heading", name=re.compile("What changed since"))).to_be_visible()
    expect(page.get_by_role("cell", name="Only the front desk team.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Nothing is waiting for a decision.")).to_be_visible()
    group.refresh_from_db()
    assert group.status == ChatGroup.Status.APPROVED
    assert list(group.submissions.order_by("submitted_at").values_list("outcome", flat=True)) == [
        Submission.Outcome.CHANGES_ASKED,
        Submission.Outcome.APPROVED,
    ]
    page.goto(f"{live_server.url}/chat-groups/register/")
    expect(page.get_by_role("link", name=group.name)).to_be_visible()
    assert_accessible(page)


def test_the_other_registration_pages_pass_axe(page: Page, browser, live_server, alice, dpo):
    from groups.tests.factories import ChatGroupFactory

    group = ChatGroupFactory(approved=True, admin=alice)
    closed = ChatGroupFactory(approved=True, admin=alice, status=ChatGroup.Status.CLOSED)
    sign_in(page, live_server, alice)
    for path in (
        f"/chat-groups/{group.pk}/",
        f"/chat-groups/{group.pk}/change/",
        f"/chat-groups/{group.pk}/close/",
        f"/chat-groups/{closed.pk}/",
    ):
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    dpo_page = browser.new_context().new_page()
    sign_in(dpo_page, live_server, dpo)
    for path in (
        f"/chat-groups/{group.pk}/suspend/",
        f"/chat-groups/{group.pk}/dpo-close/",
        "/chat-groups/register/?status=approved",
        "/chat-groups/decisions/",
    ):
        assert dpo_page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(dpo_page)
    dpo_page.context.close()
