"""Which policy versions a campaign may ask for: the one in effect of each policy; an older,
superseded one only when deliberately chosen with a reason; one not yet in effect only for a
campaign that asks people on or after the day it takes effect."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from declarations.models import Campaign
from declarations.services.campaigns import campaign_create, campaign_open
from declarations.tests.factories import CampaignFactory, PolicyFactory, PolicyVersionFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy():
    return PolicyFactory(title="Use of email")


@pytest.fixture
def old(policy):
    return PolicyVersionFactory(
        policy=policy,
        published=True,
        label="3.0",
        effective_date=timezone.localdate() - timedelta(days=400),
    )


@pytest.fixture
def current(policy, old):
    return PolicyVersionFactory(policy=policy, published=True, label="4.0")


@pytest.fixture
def future(policy, current):
    return PolicyVersionFactory(
        policy=policy,
        published=True,
        label="5.0",
        effective_date=timezone.localdate() + timedelta(days=10),
    )


def _create(by, versions, *, opens_in_days=1, **kwargs):
    now = timezone.now()
    return campaign_create(
        by=by,
        versions=versions,
        name="Annual declaration",
        statement="I agree.",
        opens_at=now + timedelta(days=opens_in_days),
        due_at=now + timedelta(days=opens_in_days + 28),
        **kwargs,
    )


def test_a_superseded_version_is_refused_without_a_reason(policy_admin, old, current):
    with pytest.raises(ValidationError, match="Use of email 3.0 has been superseded by 4.0"):
        _create(policy_admin, [old])
    with pytest.raises(ValidationError, match="superseded"):
        _create(policy_admin, [old], older_versions_reason="   ")
    assert not Campaign.objects.exists()


def test_a_superseded_version_chosen_with_a_reason_is_kept_with_the_reason_on_record(
    policy_admin, old, current
):
    campaign = _create(policy_admin, [old], older_versions_reason=" 4.0 is not yet briefed. ")

    assert list(campaign.versions.all()) == [old]
    assert campaign.older_versions_reason == "4.0 is not yet briefed."
    event = AuditEvent.objects.get(verb="campaign.created", object_id=str(campaign.pk))
    assert event.changes["older_versions"] == {
        "versions": ["Use of email 3.0"],
        "reason": "4.0 is not yet briefed.",
    }


def test_the_version_in_effect_needs_no_reason_and_a_reason_given_is_not_kept(
    policy_admin, current
):
    campaign = _create(policy_admin, [current], older_versions_reason="No need")
    assert campaign.older_versions_reason == ""
    event = AuditEvent.objects.get(verb="campaign.created")
    assert "older_versions" not in event.changes


def test_a_version_not_yet_in_effect_only_for_a_campaign_asking_on_or_after_that_day(
    policy_admin, current, future
):
    takes_effect = dateformat.format(future.effective_date, "j F Y")
    with pytest.raises(ValidationError, match=f"not in effect until {takes_effect}"):
        _create(policy_admin, [future], opens_in_days=1)

    campaign = _create(policy_admin, [future], opens_in_days=11)
    assert list(campaign.versions.all()) == [future]
    # By then 4.0 is the older one.
    with pytest.raises(ValidationError, match="4.0 has been superseded by 5.0"):
        _create(policy_admin, [current], opens_in_days=11)


def test_opening_refuses_a_version_superseded_since_the_draft_was_saved(
    policy_admin, policy, current
):
    campaign = CampaignFactory(versions=[current])
    PolicyVersionFactory(policy=policy, published=True, label="4.1")

    with pytest.raises(ValidationError, match="superseded by 4.1") as refused:
        campaign_open(campaign=campaign, by=policy_admin)

    assert "Edit the campaign's settings before opening it." in refused.value.messages
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT


def test_opening_keeps_a_deliberately_chosen_older_version(policy_admin, old, current):
    campaign = CampaignFactory(versions=[old], older_versions_reason="Briefing not done")
    campaign_open(campaign=campaign, by=policy_admin)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN


# The form


def _form_data(version, **overrides):
    now = timezone.localtime()
    data = {
        "name": "Annual policy declaration",
        "versions": [version.pk],
        "statement": "I have read and will comply.",
        "audience_all": "1",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "new_starter_days": "14",
        "reminder_every_days": "7",
        "admin_escalation_days": "7",
    }
    data.update(overrides)
    return data


def test_the_campaign_form_marks_superseded_and_future_versions(
    client, policy_admin, old, current, future
):
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:campaign_create")).text
    assert "Use of email 3.0 — superseded by 4.0" in page
    assert "Use of email 4.0 (in effect from" in page
    assert "Use of email 5.0 — not yet in effect: from" in page
    # The one in effect is listed before the older one.
    assert page.index("Use of email 4.0") < page.index("Use of email 3.0")


def test_a_superseded_version_needs_the_box_ticked_and_a_reason(client, policy_admin, old, current):
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_create")

    unticked = client.post(url, _form_data(old, older_versions_reason="Not briefed"))
    no_reason = client.post(url, _form_data(old, older_versions_confirmed="on"))
    assert "has been superseded by 4.0" in unticked.text
    assert "Say why you are asking for an older version." in no_reason.text
    assert not Campaign.objects.exists()

    done = client.post(
        url, _form_data(old, older_versions_confirmed="on", older_versions_reason="Not briefed")
    )
    campaign = Campaign.objects.get()
    assert done.url == reverse("declarations:campaign", args=[campaign.pk])
    assert campaign.older_versions_reason == "Not briefed"
    # Editing it keeps the reason, so saving again needs no retyping.
    edit = client.get(reverse("declarations:campaign_edit", args=[campaign.pk])).text
    assert "Not briefed</textarea>" in edit


def test_the_campaign_form_runs_a_fixed_number_of_queries_however_many_versions(
    client, policy_admin, current
):
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_create")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        policy = PolicyFactory()
        for label in ("1.0", "2.0", "3.0"):
            PolicyVersionFactory(policy=policy, published=True, label=label)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
