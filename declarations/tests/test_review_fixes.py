"""Defects found in review, each pinned by a test that failed before its fix."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import declarations.services.campaigns as campaigns_module
from declarations.forms import CampaignForm
from declarations.models import Campaign, Obligation
from declarations.services.campaigns import campaign_close, campaign_enrol
from declarations.services.reminders import declarations_sweep
from declarations.tests.factories import CampaignFactory, PolicyFactory, PolicyVersionFactory
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_renaming_a_policy_on_its_page_is_recorded_with_what_it_was(client, policy_admin):
    PolicyFactory(title="Old title", slug="it")
    client.force_login(policy_admin)

    response = client.post(
        reverse("declarations:policy_edit", args=["it"]),
        {"title": "New title", "summary": "x", "owner": ""},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="policy.updated")
    assert event.changes["title"] == {"from": "Old title", "to": "New title"}


def test_the_campaign_form_refuses_zero_days_on_the_server_too():
    version = PolicyVersionFactory(published=True)
    now = timezone.localtime()
    form = CampaignForm(
        {
            "name": "Annual",
            "versions": [version.pk],
            "statement": "I agree.",
            "audience_all": "1",
            "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "due_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "new_starter_days": 0,
            "reminder_every_days": 0,
            "admin_escalation_days": 0,
        }
    )
    assert not form.is_valid()
    for name in ("new_starter_days", "reminder_every_days", "admin_escalation_days"):
        assert name in form.errors


def test_someone_added_after_the_due_date_is_not_overdue_the_moment_they_are_asked(bob):
    now = timezone.now()
    CampaignFactory(
        open=True,
        versions=[PolicyVersionFactory(published=True)],
        opens_at=now - timedelta(days=40),
        due_at=now - timedelta(days=10),
    )
    newcomer = UserFactory(line_manager=bob, start_date=None)  # imported with no start date

    declarations_sweep(now=now)

    assert Obligation.objects.get(user=newcomer).due_at > now
    assert not Notification.objects.filter(dedup_key__startswith="decl-overdue").exists()


def test_closing_a_campaign_stops_an_enrolment_under_way(policy_admin, monkeypatch):
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    UserFactory.create_batch(5)
    queue = campaigns_module.notifications_queue_many
    batches = []

    def queue_then_close(**kwargs):
        batches.append(queue(**kwargs))
        if len(batches) == 1:  # the administrator closes it while the task is half way
            campaign_close(campaign=campaign, by=policy_admin, reason="Opened by mistake")
        return batches[-1]

    monkeypatch.setattr(campaigns_module, "notifications_queue_many", queue_then_close)
    campaign_enrol(campaign=campaign, batch_size=2)

    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED
    assert len(batches) == 1


def test_asking_people_is_on_the_record_batch_by_batch():
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    people = UserFactory.create_batch(3)

    campaign_enrol(campaign=campaign, batch_size=2)

    events = AuditEvent.objects.filter(verb="campaign.people_asked").order_by("id")
    assert [e.object_id for e in events] == [str(campaign.pk)] * 2
    asked = [pk for e in events for pk in e.changes["users"]]
    assert sorted(asked) == sorted(p.pk for p in people)
