"""The DPO's overview and a group "as at a date", in Chromium at desktop width, checked with
axe-core (WCAG 2.2 AA; serious and critical problems fail)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    HoldFactory,
    HoldNoticeFactory,
    SubmissionFactory,
)
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in
from portal.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def register(dpo):
    """A register with something in every list of the overview."""
    now = timezone.now()
    people = UserFactory.create_batch(3)
    group = ChatGroupFactory(approved=True, members=people, name="Victims' services partners")
    for weeks in (4, 3, 2, 1):
        cycle = ClearDownCycleFactory(group=group, opens_at=now - timedelta(weeks=weeks))
        for index, person in enumerate(people):
            confirmed = index == 0
            ClearDownPromptFactory(
                cycle=cycle,
                user=person,
                confirmed_at=cycle.opens_at + timedelta(hours=2) if confirmed else None,
                confirmed_via="email_link" if confirmed else "",
            )
    hold = HoldFactory(groups=[group], placed_by=dpo)
    for person in people:
        HoldNoticeFactory(hold=hold, user=person)
    SubmissionFactory(group=ChatGroupFactory(status="submitted", name="Front desk cover"))
    ChatGroupFactory(approved=True, needs_admin=True, deputy=UserFactory(), name="Casework")
    ChatGroupFactory(approved=True, review_due_at=now - timedelta(days=3), name="IT on-call")
    return group


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dpos_overview_and_the_record_as_at_a_date_are_accessible(
    page, live_server, dpo, register
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, dpo)
    page.goto(f"{live_server.url}{reverse('groups:overview')}")
    assert page.get_by_role("heading", name="Chat groups: what needs attention").is_visible()
    assert page.get_by_role("img", name="Clear-downs confirmed, by month").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Victims' services partners").first.click()
    page.get_by_role("link", name="See this group as at a date").click()
    expect(page.get_by_role("button", name="Print this record")).to_be_visible()
    assert_accessible(page)

    # A day before the group existed: refused, with the reason beside the field.
    page.locator("#id_on").fill("2001-01-01")
    page.get_by_role("button", name="Show the record").click()
    expect(page.get_by_text("The group was first recorded on").first).to_be_visible()
    assert page.locator("#id_on").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
