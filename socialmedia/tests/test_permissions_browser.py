"""A press release goes to the Chief Executive for review, in a real browser (Debian's
Chromium), each page checked with axe-core: alice sends it with a PDF; the Chief Executive asks
for a change; alice sends version 2; the Chief Executive approves version 2 with conditions;
alice sees the conditions."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import Page, expect

from portal.roles import Role
from portal.testing.uploads import PDF_BYTES
from portal.tests.browser import assert_accessible, sign_in
from socialmedia.models import PermissionDecision, PermissionRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def _decide(page: Page, outcome: str, label: str, words: str) -> None:
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label(label, exact=True).fill(words)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    assert_accessible(page)


def _one_click_sends_once(page: Page) -> None:
    """The send button is disabled once the form is sent, and given back when the page is
    shown again (the browser's Back). The send itself is held here, to see the button."""
    page.evaluate(
        "() => { window.heldSend = (event) => event.preventDefault();"
        " document.querySelector('form[data-permission-form]')"
        ".addEventListener('submit', window.heldSend); }"
    )
    page.get_by_role("button", name="Send to the Chief Executive").click()
    expect(page.get_by_role("button", name="Sending…")).to_be_disabled()
    page.evaluate(
        "() => { document.querySelector('form[data-permission-form]')"
        ".removeEventListener('submit', window.heldSend);"
        " window.dispatchEvent(new PageTransitionEvent('pageshow')); }"
    )
    expect(page.get_by_role("button", name="Send to the Chief Executive")).to_be_enabled()


def test_a_press_release_is_reviewed_changed_and_approved_with_conditions(
    page: Page, browser, live_server, alice, chief_executive
):
    # Alice asks, from the dashboard.
    sign_in(page, live_server, alice)
    assert_accessible(page)
    page.get_by_role("link", name="Ask permission").click()
    expect(page.get_by_role("heading", name="Ask the Chief Executive's permission")).to_be_visible()
    assert_accessible(page)
    _fits_a_phone(page)
    _one_click_sends_once(page)
    # The script offers only the choices of the kind chosen, and follows a change of kind.
    subkind = page.get_by_label("What is it?")
    speaking = subkind.locator("optgroup[label='Speaking on behalf of the organisation']")
    publication = subkind.locator("optgroup[label='Content for external publication']")
    page.get_by_label("Speaking on behalf of the organisation").check()
    expect(speaking).to_have_js_property("hidden", False)
    expect(publication).to_have_js_property("hidden", True)
    expect(publication).to_be_disabled()
    page.get_by_label("Content for external publication").check()
    expect(speaking).to_have_js_property("hidden", True)
    expect(speaking).to_be_disabled()
    expect(publication).to_have_js_property("hidden", False)
    expect(subkind.locator("optgroup:not([hidden])")).to_have_count(1)
    subkind.select_option(label="A press release")
    page.get_by_label("Title").fill("Rural crime hub opens")
    page.get_by_label("What it is").fill("The Commissioner today opened the rural crime hub.")
    page.get_by_label("Files (optional)").set_input_files(
        [{"name": "release.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Send to the Chief Executive").click()
    expect(page.get_by_text("Your request has gone to the Chief Executive.")).to_be_visible()
    expect(page.get_by_role("link", name="release.pdf")).to_be_visible()
    assert_accessible(page)
    request = PermissionRequest.objects.get()
    request_url = live_server.url + reverse("socialmedia:permission", args=[request.pk])

    # The Chief Executive asks for a change, from the queue.
    ce = browser.new_context().new_page()
    sign_in(ce, live_server, chief_executive)
    ce.goto(live_server.url + reverse("socialmedia:permissions"))
    assert_accessible(ce)
    ce.get_by_role("link", name="Rural crime hub opens").click()
    expect(ce.get_by_role("heading", name="Your decision on version 1")).to_be_visible()
    assert_accessible(ce)
    _decide(ce, "Changes asked for", "Reason", "Say when the hub opens to the public.")

    # Alice sends version 2, keeping her PDF.
    page.goto(request_url)
    expect(page.get_by_text("Say when the hub opens to the public.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Send a new version").click()
    assert_accessible(page)
    expect(page.get_by_label("The new version")).to_have_value(
        "The Commissioner today opened the rural crime hub."
    )
    expect(page.get_by_label("release.pdf")).to_be_checked()
    page.get_by_label("The new version").fill(
        "The Commissioner today opened the rural crime hub. It opens to the public on Monday."
    )
    page.get_by_label("What you changed").fill("Added the day it opens to the public.")
    page.get_by_role("button", name="Send version 2").click()
    expect(page.get_by_text("Version 2 has gone to the Chief Executive.")).to_be_visible()
    assert_accessible(page)

    # The Chief Executive approves version 2 with conditions.
    ce.goto(request_url)
    expect(ce.get_by_role("heading", name="Your decision on version 2")).to_be_visible()
    expect(ce.get_by_text("Added the day it opens to the public.")).to_be_visible()
    _decide(ce, "Approved with conditions", "Conditions", "Complete media training first.")
    decision = PermissionDecision.objects.get(outcome="approved_with_conditions")
    assert decision.version.number == 2

    # Alice sees the approval of version 2 and its conditions.
    page.goto(request_url)
    expect(page.get_by_text("Approved with conditions: version 2")).to_be_visible()
    expect(page.get_by_text("Complete media training first.").first).to_be_visible()
    assert_accessible(page)
    _fits_a_phone(page)
    page.goto(live_server.url + reverse("socialmedia:permissions_mine"))
    expect(page.get_by_role("cell", name="Approved with conditions")).to_be_visible()
    assert_accessible(page)
    ce.context.close()
