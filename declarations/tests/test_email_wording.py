"""Every declaration email names the policies (title and version) its campaign asks people to
read, never a fixed description of some other policies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.events import DeclarationEmail
from declarations.models import Campaign
from declarations.services.campaigns import campaign_enrol
from declarations.services.reminders import declarations_sweep
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.models import Notification
from portal.services.notifications import notification_queue
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GENERIC = "use of IT, communications and social media"
BOTH = "Email and internet use (version 2.0) and Social media (version 3.1)"


def _version(title: str, label: str):
    return PolicyVersionFactory(published=True, label=label, policy__title=title)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def two_policies(now):
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=20),
        versions=[_version("Social media", "3.1"), _version("Email and internet use", "2.0")],
    )


@pytest.fixture
def one_policy(now):
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Clear desk round",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=20),
        versions=[_version("Clear desk", "1.0")],
    )


def _bodies(prefix: str) -> list[str]:
    rows = Notification.objects.filter(dedup_key__startswith=prefix)
    assert rows, prefix
    return [text for row in rows for text in (row.subject + row.body_text, row.body_html)]


def test_the_opening_email_lists_the_versions_asked_and_nothing_generic(two_policies):
    Campaign.objects.filter(pk=two_policies.pk).update(audience_all=True)
    UserFactory()

    campaign_enrol(campaign=two_policies)

    for body in _bodies(f"decl-opened:{two_policies.pk}:"):
        assert GENERIC not in body
        assert "Email and internet use, version 2.0" in body
        assert "Social media, version 3.1" in body
        assert "policies below" in body


def test_reminders_due_and_overdue_notices_and_escalations_name_each_campaigns_policies(
    two_policies, one_policy, policy_admin, now
):
    manager = UserFactory(full_name="Mo Manager")
    for campaign in (two_policies, one_policy):
        ObligationFactory(campaign=campaign, next_reminder_at=now - timedelta(minutes=1))
        ObligationFactory(
            campaign=campaign,
            due_at=now + timedelta(hours=12),
            next_reminder_at=now - timedelta(minutes=1),
        )
        ObligationFactory(
            campaign=campaign,
            user=UserFactory(line_manager=manager),
            due_at=now - timedelta(days=8),
            next_reminder_at=now - timedelta(days=8),
        )

    result = declarations_sweep(now=now)

    assert (result.reminders, result.due, result.overdue, result.managers_told) == (2, 2, 2, 2)
    for prefix in ("decl-reminder:", "decl-due:", "decl-overdue:", "decl-overdue-mgr:"):
        bodies = _bodies(prefix)
        assert len(bodies) == 4, prefix  # one message per campaign, text and HTML each
        assert sum(BOTH in body for body in bodies) == 2, prefix
        assert sum("Clear desk (version 1.0)" in body for body in bodies) == 2, prefix
        assert not any(GENERIC in body for body in bodies)
    for campaign, names in ((two_policies, BOTH), (one_policy, "Clear desk (version 1.0)")):
        for body in _bodies(f"decl-overdue-admin:{campaign.pk}:"):
            assert names in body


def test_the_resign_subject_names_the_policy_that_changed(alice):
    row = notification_queue(
        to=alice,
        template=DeclarationEmail.RESIGN,
        dedup_key="wording:resign",
        context={
            "campaign": CampaignFactory(name="Re-sign: Social media 4.0"),
            "versions": [{"policy": "Social media", "label": "4.0"}],
            "due_at": timezone.localtime(),
        },
    )
    assert row.subject.startswith("Social media has changed: please sign again by")
