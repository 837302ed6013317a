"""In a real browser: a file too large, or too many files, stops the report being sent and
says so next to the field, so nobody waits for an upload the portal will refuse."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Incident
from incidents.tests.report_helpers import report
from portal.roles import Role
from portal.testing.uploads import png_bytes
from portal.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_FORM_TIME = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(autouse=True)
def small_limit(settings, tmp_path):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2000
    settings.MEDIA_ROOT = tmp_path


def _file(name: str, size: int = 0) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes() + b"\0" * size}


def test_a_file_too_large_stops_the_report_and_says_so(page: Page, live_server, alice):
    sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("incidents:report"))
    page.get_by_label("Suspected virus").check()
    page.get_by_label("When it happened (UK time)").fill(
        (timezone.localtime() - timedelta(hours=1)).strftime(_FORM_TIME)
    )
    page.get_by_label("When it was discovered (UK time)").fill(
        timezone.localtime().strftime(_FORM_TIME)
    )
    page.get_by_label("What happened").fill("A pop-up asked for my password.")
    files = page.get_by_label("Photos or documents (optional)")
    files.set_input_files([_file("screen.png", 5000)])
    warning = page.locator("[data-file-warning]")
    expect(warning).to_contain_text("“screen.png” is too large")
    page.get_by_role("button", name="Send the report").click()
    expect(warning).to_contain_text("“screen.png” is too large")
    expect(files).to_be_focused()
    assert not Incident.objects.exists()
    assert_accessible(page)

    files.set_input_files([_file(f"p{n}.png") for n in range(6)])
    expect(warning).to_contain_text("Choose at most 5 files")
    page.get_by_role("button", name="Send the report").click()
    assert not Incident.objects.exists()

    files.set_input_files([_file("screen.png")])
    expect(warning).to_be_hidden()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="Your report has been received")).to_be_visible()
    assert Incident.objects.get().attachments.count() == 1


def test_adding_a_file_too_large_is_stopped_too(page: Page, live_server, alice):
    incident = report(by=alice)
    sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("incidents:add_information", args=[incident.pk]))
    page.get_by_label("What you want to add").fill("The train was the 17:42.")
    page.get_by_label("Photos or documents (optional)").set_input_files([_file("ticket.png", 5000)])
    page.get_by_role("button", name="Add to the report").click()
    expect(page.locator("[data-file-warning]")).to_contain_text("“ticket.png” is too large")
    assert not incident.attachments.exists()
    assert incident.timeline.count() == 1


def test_a_kept_file_counts_towards_the_five(page: Page, live_server, alice):
    sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("incidents:report"))
    page.get_by_label("Suspected virus").check()
    files = page.get_by_label("Photos or documents (optional)")
    files.set_input_files([_file("screen.png")])
    page.get_by_role("button", name="Send the report").click()
    # Refused for what is missing; the file is kept, not to be chosen again.
    expect(page.get_by_label("screen.png — remove")).to_be_visible()
    assert_accessible(page)
    files.set_input_files([_file(f"p{n}.png") for n in range(5)])
    expect(page.locator("[data-file-warning]")).to_contain_text("Choose at most 4 files now")
