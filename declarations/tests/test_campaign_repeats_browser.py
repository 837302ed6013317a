"""A prepared repeat in Chromium: its page says when it opens by itself and links the campaign
it came from; stopping the repeat asks for a reason and the page then says it will not open.
Each page is checked with axe-core."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from declarations.services.repeats import (
    REPEAT_NOTICE_DAYS,
    campaign_repeat_prepare,
    years_on,
)
from declarations.tests.factories import CampaignFactory, PolicyVersionFactory
from portal.roles import Role
from portal.tests.browser import assert_accessible, sign_in


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_an_administrator_checks_a_prepared_repeat_and_stops_it(
    page, live_server, policy_admin, width
):
    page.set_viewport_size({"width": width, "height": 900})
    opens_at = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=REPEAT_NOTICE_DAYS), time(9, 0))
    )
    last_year = years_on(opens_at, -1)
    original = CampaignFactory(
        open=True,
        repeats_yearly=True,
        name=f"Annual declaration {timezone.localtime(last_year).year}",
        opens_at=last_year,
        due_at=last_year + timedelta(days=30),
        versions=[PolicyVersionFactory(published=True, effective_date=timezone.localdate())],
    )
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    sign_in(page, live_server, policy_admin)
    page.goto(f"{live_server.url}{reverse('declarations:campaign', args=[original.pk])}")
    assert page.get_by_text("Next year's campaign:").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=copy.name).first.click()
    assert page.get_by_text("This campaign will open automatically on").is_visible()
    assert page.get_by_role("link", name=original.name).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Stop the repeat…").click()
    assert page.get_by_role("heading", name=f"Stop {copy.name} repeating?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Stop the repeat").click()
    assert page.get_by_text("Say why you are stopping the repeat.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Why are you stopping the repeat?").fill("Merged with appraisals.")
    page.get_by_role("button", name="Stop the repeat").click()
    assert page.get_by_text("Repeat stopped. Nothing more will be prepared or opened.").is_visible()
    assert page.get_by_text("Reason: Merged with appraisals.").is_visible()
    assert page.get_by_text("This campaign will open automatically on").count() == 0
    assert_accessible(page)
