"""A person reads the policy, fails the questions once, passes, ticks "I have read" and signs;
the record shows when they opened it, how long it was on screen and the check they passed. In
Chromium, each page checked with axe-core, at desktop width and on a 390 px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from declarations.models import CheckAttempt, Declaration, ReadingRecord
from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.tests.browser import assert_accessible
from portal.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = "Use of IT, communications and social media, version 4.0"


def _answer(page: Page, question: str, choice: str) -> None:
    page.locator("fieldset", has_text=question).get_by_label(choice, exact=True).check()


def _fits(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_person_reads_fails_the_questions_once_passes_and_signs(
    page: Page, live_server, alice, monkeypatch, width
):
    # A beat a second, so the test need not wait fifteen.
    monkeypatch.setattr("declarations.views.signing.HEARTBEAT_SECONDS", 1)
    page.set_viewport_size({"width": width, "height": 844})
    version = PolicyVersionFactory(
        published=True,
        policy=PolicyFactory(title="Use of IT, communications and social media"),
        label="4.0",
        body_markdown="## Devices\n\nReport a lost or stolen device to the IT helpdesk at once.",
    )
    campaign = CampaignFactory(
        open=True, audience_all=False, name="Annual declaration 2026", versions=[version]
    )
    CheckQuestionFactory(
        campaign=campaign,
        text="Who do you tell about a lost phone?",
        choices=["The IT helpdesk", "Nobody"],
        correct=0,
    )
    CheckQuestionFactory(
        campaign=campaign,
        text="May you post operational information in a chat group?",
        choices=["Yes", "Never"],
        correct=1,
    )
    obligation = ObligationFactory(campaign=campaign, user=alice)

    page.goto(f"{live_server.url}/declarations/sign/{obligation.pk}/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Annual declaration 2026", level=1)).to_be_visible()
    expect(page.get_by_text("Report a lost or stolen device")).to_be_visible()
    assert_accessible(page)
    _fits(page)
    # Read for a few seconds, as a person does: the script counts while the text is in view.
    page.get_by_text("Report a lost or stolen device").scroll_into_view_if_needed()
    for _ in range(4):
        page.mouse.move(100, 200)
        page.wait_for_timeout(1000)
        page.mouse.move(120, 220)
    page.wait_for_timeout(1500)
    record = ReadingRecord.objects.get(obligation=obligation, version=version)
    assert record.last_heartbeat_at is not None
    assert record.seconds_on_screen >= 1

    # No signature yet: first the questions.
    expect(page.get_by_role("button", name="Sign the declaration")).to_have_count(0)
    page.get_by_role("link", name="Answer the questions").click()
    expect(page.get_by_role("heading", name="Questions about the policies")).to_be_visible()
    assert_accessible(page)
    _fits(page)
    _answer(page, "Who do you tell", "Nobody")
    _answer(page, "operational information", "Never")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("you got 1 of 2 answers right")
    expect(page.get_by_role("status")).to_contain_text("You have 2 attempts left.")
    assert_accessible(page)
    assert CheckAttempt.objects.get().passed is False

    _answer(page, "Who do you tell", "The IT helpdesk")
    _answer(page, "operational information", "Never")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("You passed: 2 of 2 answers right.")).to_be_visible()
    assert_accessible(page)
    _fits(page)

    # Signing without ticking "I have read" names the policy.
    page.get_by_label("Type your full name").fill("Alice Staff")
    page.get_by_label("Enter your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Tick “I have read” for {POLICY}")
    assert_accessible(page)
    page.get_by_role("alert").get_by_role("link", name=re.compile("Tick")).click()
    expect(page.get_by_label(f"I have read {POLICY}")).to_be_focused()
    page.get_by_label(f"I have read {POLICY}").check()
    # The script tells the portal when it was ticked.
    for _ in range(50):
        if ReadingRecord.objects.get(obligation=obligation).read_ticked_at:
            break
        page.wait_for_timeout(100)
    page.get_by_label("Enter your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign the declaration").click()

    expect(page.get_by_role("heading", name="Your declaration is signed")).to_be_visible()
    declaration = Declaration.objects.get(user=alice)
    assert declaration.check_result["attempt"] == 2
    (evidence,) = declaration.reading_evidence
    assert evidence["seconds_on_screen"] >= 1
    assert evidence["read_ticked_at"] < declaration.signed_at.isoformat()

    page.get_by_role("link", name="See and print the full record").click()
    expect(page.get_by_role("heading", name="Evidence of reading")).to_be_visible()
    expect(page.get_by_text("not measured")).to_have_count(0)
    expect(
        page.get_by_text(re.compile(r"at attempt 2 of 3 allowed: 2 of 2 answers right"))
    ).to_be_visible()
    expect(page.get_by_text("Answer given: “The IT helpdesk” (right)")).to_be_visible()
    assert_accessible(page)
    _fits(page)
