"""Journeys in a real browser (Debian's Chromium), each page checked with axe-core:
a member of staff from the reminder email to the receipt; a policy administrator from
publishing a version to the report on the campaign they opened, and closing a campaign by
mistake and reopening it; a line manager's team page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.models import Campaign, Declaration, Obligation
from declarations.services.reminders import declarations_sweep
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.models import Notification
from portal.roles import Role
from portal.tests.browser import assert_accessible
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_here(page: Page, user) -> None:
    """Sign in on the login page the browser was sent to (keeping its ?next=)."""
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_of_staff_follows_the_reminder_email_signs_and_gets_a_receipt(
    page: Page, live_server, alice, mailoutbox
):
    version = PolicyVersionFactory(
        published=True,
        policy=PolicyFactory(title="Use of IT, communications and social media"),
        label="4.0",
        body_markdown="## Devices\n\nReport a lost or stolen device to the IT helpdesk at once.",
    )
    campaign = CampaignFactory(
        open=True, audience_all=False, name="Annual declaration 2026", versions=[version]
    )
    obligation = ObligationFactory(
        campaign=campaign, user=alice, next_reminder_at=timezone.now() - timedelta(minutes=1)
    )

    declarations_sweep()

    # The reminder went through the outbox and was delivered; its link is what alice clicks.
    reminder = Notification.objects.get(dedup_key__startswith=f"decl-reminder:{obligation.pk}:")
    (email,) = [m for m in mailoutbox if m.subject == reminder.subject]
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/declarations/sign/\d+/)", email.body)
    assert link, email.body
    page.goto(f"{live_server.url}{link.group(1)}")

    _sign_in_here(page, alice)
    expect(page.get_by_role("heading", name="Annual declaration 2026", level=1)).to_be_visible()
    assert_accessible(page)
    policy = page.get_by_role(
        "region", name="Use of IT, communications and social media, version 4.0"
    ).last  # the scrolling box holding the text, inside its section
    expect(policy).to_contain_text("Report a lost or stolen device to the IT helpdesk at once.")

    # A wrong password is refused and nothing is recorded.
    page.get_by_label("I have read Use of IT, communications and social media, version 4.0").check()
    page.get_by_label("Type your full name").fill("Alice Staff")
    page.get_by_label("Enter your password").fill("not my password")
    page.get_by_role("button", name="Sign the declaration").click()
    # In the error summary at the top and beneath the field.
    expect(page.get_by_text("The password is not right.")).to_have_count(2)
    assert_accessible(page)
    assert not Declaration.objects.filter(user=alice).exists()

    page.get_by_label("I have read Use of IT, communications and social media, version 4.0").check()
    page.get_by_label("Type your full name").fill("alice staff")
    page.get_by_label("Enter your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign the declaration").click()

    expect(page.get_by_role("heading", name="Your declaration is signed")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("signed Annual declaration 2026")
    assert_accessible(page)
    declaration = Declaration.objects.get(user=alice, campaign=campaign)
    assert declaration.versions_signed[0]["sha256"] == version.content_sha256
    assert Obligation.objects.get(pk=obligation.pk).status == Obligation.Status.SIGNED

    page.get_by_role("link", name="See and print the full record").click()
    expect(page.get_by_text(version.content_sha256)).to_be_visible()
    assert_accessible(page)
    # The sweep has nothing more to send her.
    assert declarations_sweep(now=timezone.now() + timedelta(days=60)).overdue == 0


def test_a_policy_administrator_publishes_a_version_opens_a_campaign_and_sees_the_report(
    page: Page, live_server, alice, bob, charlie
):
    admin = UserFactory(full_name="Priya Policy", email="hr@example.org", roles=[Role.POLICY_ADMIN])
    PolicyFactory(title="Use of IT, communications and social media", slug="it-policy")
    page.goto(f"{live_server.url}/declarations/manage/policies/it-policy/versions/new/")
    _sign_in_here(page, admin)

    # Write and publish a version.
    expect(page.get_by_role("heading", name=re.compile("New version of"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*Version\*?\s*$")).fill("5.0")
    page.get_by_label("In effect from").fill(timezone.localdate().isoformat())
    page.get_by_label("Policy text").fill("## Email\n\nWrite emails as you would any letter.")
    page.get_by_label("What changed in this version").fill("Shorter, plainer text.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("button", name="Publish version 5.0")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 5.0").click()
    expect(page.get_by_text("Version 5.0 is published. Its text is now fixed.")).to_be_visible()
    assert_accessible(page)

    # Create the annual campaign, opening now, and open it.
    page.goto(f"{live_server.url}/declarations/manage/campaigns/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Annual declaration 2026")
    page.get_by_label(re.compile("Use of IT, communications and social media 5.0")).check()
    opens = timezone.localtime() - timedelta(minutes=5)
    page.get_by_label("Opens").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("button", name="Open campaign")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Open campaign").click()
    expect(page.get_by_text("Campaign opened.")).to_be_visible()
    assert_accessible(page)
    campaign = Campaign.objects.get(name="Annual declaration 2026")
    # The opening task ran (eagerly, after commit) and asked every active person.
    assert campaign.obligations.count() == 4

    # The report, reached from the menu.
    page.get_by_role("button", name="Policy administration").click()
    page.get_by_role("link", name="Compliance reports").click()
    expect(page.get_by_role("heading", name="Compliance reports")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Annual declaration 2026").click()
    expect(page.get_by_role("heading", name="Annual declaration 2026", level=1)).to_be_visible()
    expect(page.get_by_text("0 of 4 asked have signed")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Completion by department"))).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 400, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name="Who has not signed").click()
    expect(page.get_by_role("heading", name="Who has not signed")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Charlie Outsider")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Department").select_option(label="Finance")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("rowheader", name="Charlie Outsider")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Alice Staff")).to_have_count(0)
    assert_accessible(page)


def test_a_line_manager_opens_my_team_from_the_menu(page: Page, live_server, alice, bob, charlie):
    version = PolicyVersionFactory(published=True)
    campaign = CampaignFactory(
        open=True, audience_all=False, name="Annual declaration 2026", versions=[version]
    )
    ObligationFactory(campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=2))
    ObligationFactory(campaign=campaign, user=charlie)
    page.goto(f"{live_server.url}/")
    _sign_in_here(page, bob)

    page.get_by_role("link", name="My team").click()

    expect(page.get_by_role("heading", name="My team's declarations")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Alice Staff")).to_be_visible()
    expect(page.get_by_text("Overdue by 2 days")).to_be_visible()
    expect(page.get_by_text("Charlie Outsider")).to_have_count(0)
    assert_accessible(page)
    # On a phone the tables scroll sideways: they must still be reachable by keyboard.
    page.set_viewport_size({"width": 400, "height": 800})
    assert_accessible(page)


def test_a_policy_administrator_closes_a_campaign_by_mistake_and_reopens_it(
    page: Page, live_server, alice, charlie
):
    admin = UserFactory(full_name="Priya Policy", email="hr@example.org", roles=[Role.POLICY_ADMIN])
    campaign = CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        versions=[PolicyVersionFactory(published=True)],
    )
    waiting = ObligationFactory(
        campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=1)
    )
    ObligationFactory(campaign=campaign, user=charlie)
    page.goto(f"{live_server.url}/declarations/manage/campaigns/{campaign.pk}/")
    _sign_in_here(page, admin)

    # Closing asks first, saying who is still to sign and what closing does.
    page.get_by_role("link", name="Close campaign…").click()
    expect(page.get_by_role("heading", name="Close Annual declaration 2026?")).to_be_visible()
    expect(page.get_by_text("2 people are still to sign")).to_be_visible()
    expect(page.get_by_text("1 of them overdue")).to_be_visible()
    _accessible_on_a_desk_and_a_phone(page)
    page.get_by_role("button", name="Close campaign").click()
    expect(page.get_by_text("Say why you are closing the campaign.")).to_be_visible()
    assert page.get_by_label("Why are you closing it?").get_attribute("aria-invalid") == "true"
    _accessible_on_a_desk_and_a_phone(page)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN

    page.get_by_label("Why are you closing it?").fill("The year's round is complete.")
    page.get_by_role("button", name="Close campaign").click()
    expect(page.get_by_text("Campaign closed.")).to_be_visible()
    expect(page.get_by_text("Reason: The year's round is complete.")).to_be_visible()
    _accessible_on_a_desk_and_a_phone(page)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED

    # It was a mistake: reopen it, with a reason; everyone's declaration is as it was.
    page.get_by_role("link", name="Reopen campaign…").click()
    expect(page.get_by_role("heading", name="Reopen Annual declaration 2026?")).to_be_visible()
    expect(page.get_by_text("has passed")).to_have_count(0)  # the campaign is not yet due
    _accessible_on_a_desk_and_a_phone(page)
    page.get_by_label("Why are you reopening it?").fill(
        "Closed by mistake: not everyone has signed."
    )
    page.get_by_role("button", name="Reopen campaign").click()
    expect(page.get_by_text("Campaign reopened.")).to_be_visible()
    expect(page.get_by_text("Reason: Closed by mistake: not everyone has signed.")).to_be_visible()
    expect(page.get_by_role("link", name="Close campaign…")).to_be_visible()
    _accessible_on_a_desk_and_a_phone(page)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN
    assert Obligation.objects.get(pk=waiting.pk).status == Obligation.Status.PENDING


def _accessible_on_a_desk_and_a_phone(page: Page) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 720})
