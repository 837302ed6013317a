"""In a real browser (Debian's Chromium), each page checked with axe-core on a desk and on a
phone (390 px): a line manager reminds one of their team from My team, and a policy
administrator reminds the people ticked on the outstanding list after its confirmation page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def campaign():
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        versions=[PolicyVersionFactory(published=True)],
    )


def _fits_the_screen(page: Page) -> None:
    assert (
        page.evaluate("() => document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    )


@pytest.mark.parametrize("screen", [DESK, PHONE], ids=["desk", "phone"])
def test_a_line_manager_reminds_one_of_their_team_from_my_team(
    page: Page, live_server, campaign, alice, bob, charlie, mailoutbox, screen
):
    page.set_viewport_size(screen)
    ObligationFactory(campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=2))
    ObligationFactory(campaign=campaign, user=charlie)
    sign_in(page, live_server, bob)

    page.goto(f"{live_server.url}/declarations/team/")
    expect(page.get_by_role("heading", name="My team's declarations")).to_be_visible()
    assert_accessible(page)
    button = page.get_by_role(
        "button", name="Send a reminder to Alice Staff about Annual declaration 2026"
    )
    expect(button).to_be_visible()
    button.click()

    expect(page.get_by_text("Reminder sent to Alice Staff.")).to_be_visible()
    expect(page.get_by_text("Reminded today at")).to_be_visible()
    expect(page.get_by_role("button", name="Send a reminder to Alice Staff")).to_have_count(0)
    assert_accessible(page)
    if screen is PHONE:
        _fits_the_screen(page)
    # The email went through the outbox, names Bob and says it is overdue.
    message = Notification.objects.get(dedup_key__startswith="decl-remind-now:")
    (email,) = [m for m in mailoutbox if m.subject == message.subject]
    assert email.to == [alice.email]
    assert "Bob Manager, your line manager, has asked us" in email.body
    assert AuditEvent.objects.get(verb="obligation.reminded_now").actor_id == bob.pk


def test_a_policy_administrator_reminds_the_people_ticked_after_confirming(
    page: Page, live_server, campaign, alice, bob, charlie
):
    admin = UserFactory(full_name="Priya Policy", email="hr@example.org", roles=[Role.POLICY_ADMIN])
    for person in (alice, bob, charlie):
        ObligationFactory(campaign=campaign, user=person)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/declarations/reports/{campaign.pk}/outstanding/")
    expect(page.get_by_role("heading", name="Who has not signed")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Remind Alice Staff").check()
    page.get_by_label("Remind Charlie Outsider").check()
    page.get_by_role("button", name="Remind the people ticked…").click()

    expect(page.get_by_role("heading", name="Send 2 reminders now?")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    _fits_the_screen(page)
    page.set_viewport_size(DESK)
    assert not Notification.objects.filter(dedup_key__startswith="decl-remind-now:").exists()
    page.get_by_role("button", name="Send 2 reminders").click()

    expect(page.get_by_text("2 reminders sent.")).to_be_visible()
    expect(page.get_by_role("heading", name="Who has not signed")).to_be_visible()
    assert_accessible(page)
    reminded = Notification.objects.filter(dedup_key__startswith="decl-remind-now:")
    assert sorted(reminded.values_list("recipient__full_name", flat=True)) == [
        "Alice Staff",
        "Charlie Outsider",
    ]
