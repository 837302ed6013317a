"""Closing a campaign (confirmed, with a reason, on the record) and reopening one closed by
mistake, with every obligation as it was and the reminders carrying on without a burst."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from declarations.models import Campaign, Obligation
from declarations.services.campaigns import campaign_close, campaign_reopen, obligation_pause
from declarations.services.reminders import declarations_sweep
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def campaign(now):
    # A chosen audience with nothing chosen: the sweep asks nobody new, so each test decides
    # exactly who is in it.
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=20),
        due_at=now + timedelta(days=10),
        reminder_every_days=2,
        versions=[PolicyVersionFactory(published=True)],
    )


def _keys(prefix: str) -> list[str]:
    return sorted(
        Notification.objects.filter(dedup_key__startswith=prefix).values_list(
            "dedup_key", flat=True
        )
    )


def _a_mix_of_people(campaign, policy_admin):
    """Two still to sign (one overdue), one paused and one signed."""
    pending = ObligationFactory(campaign=campaign)
    overdue = ObligationFactory(campaign=campaign, due_at=timezone.now() - timedelta(days=1))
    paused = ObligationFactory(campaign=campaign)
    obligation_pause(obligation=paused, by=policy_admin, reason="Long-term sick leave")
    signed = DeclarationFactory(obligation=ObligationFactory(campaign=campaign)).obligation
    return pending, overdue, paused, signed


# The services


def test_closing_records_who_closed_it_when_and_why(campaign, policy_admin):
    _a_mix_of_people(campaign, policy_admin)

    campaign_close(campaign=campaign, by=policy_admin, reason="  Round complete.  ", ip="10.0.0.9")

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert campaign.closed_by == policy_admin
    assert campaign.closed_reason == "Round complete."
    assert campaign.closed_at is not None
    event = AuditEvent.objects.get(verb="campaign.closed", object_id=str(campaign.pk))
    assert event.actor == policy_admin
    assert event.changes == {
        "reason": "Round complete.",
        "pending": 2,
        "overdue": 1,
        "paused": 1,
        "not_signed": 3,
        "exempt": 0,
    }


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_campaign_is_not_closed_without_a_reason(campaign, policy_admin, reason):
    with pytest.raises(ValidationError, match="Say why you are closing"):
        campaign_close(campaign=campaign, by=policy_admin, reason=reason)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN
    assert not AuditEvent.objects.filter(verb="campaign.closed").exists()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_only_an_open_campaign_can_be_closed(campaign, policy_admin, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    with pytest.raises(ValidationError, match="Only an open campaign"):
        campaign_close(campaign=campaign, by=policy_admin, reason="Done")


def test_reopening_keeps_every_obligation_as_it_was_and_is_recorded(campaign, policy_admin):
    people = _a_mix_of_people(campaign, policy_admin)
    before = {o.pk: (o.status, o.due_at) for o in Obligation.objects.filter(campaign=campaign)}
    campaign_close(campaign=campaign, by=policy_admin, reason="Round complete")

    campaign_reopen(campaign=campaign, by=policy_admin, reason="Closed by mistake")

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert (campaign.reopened_by, campaign.reopened_reason) == (policy_admin, "Closed by mistake")
    # The closing stays on the row too: the page shows both.
    assert campaign.closed_reason == "Round complete"
    after = {o.pk: (o.status, o.due_at) for o in Obligation.objects.filter(campaign=campaign)}
    assert after == before
    assert [before[p.pk][0] for p in people] == ["pending", "pending", "paused", "signed"]
    event = AuditEvent.objects.get(verb="campaign.reopened", object_id=str(campaign.pk))
    assert event.actor == policy_admin
    assert event.changes["reason"] == "Closed by mistake"
    assert (event.changes["pending"], event.changes["paused"]) == (2, 1)


@pytest.mark.parametrize("status", ["draft", "open"])
def test_only_a_closed_campaign_can_be_reopened(campaign, policy_admin, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    with pytest.raises(ValidationError, match="Only a closed campaign"):
        campaign_reopen(campaign=campaign, by=policy_admin, reason="Mistake")
    assert not AuditEvent.objects.filter(verb="campaign.reopened").exists()


def test_a_campaign_is_not_reopened_without_a_reason(campaign, policy_admin):
    campaign_close(campaign=campaign, by=policy_admin, reason="Done")
    with pytest.raises(ValidationError, match="Say why you are reopening"):
        campaign_reopen(campaign=campaign, by=policy_admin, reason=" ")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED


# What the sweep does once it is reopened


def test_nothing_is_sent_while_closed_and_one_reminder_for_the_whole_gap_after_reopening(
    campaign, policy_admin, alice, now
):
    obligation = ObligationFactory(
        campaign=campaign, user=alice, next_reminder_at=now - timedelta(minutes=1)
    )
    campaign_close(campaign=campaign, by=policy_admin, reason="Paused for the audit")
    # A week passes while it is closed: three reminder slots (every two days) come and go.
    later = now + timedelta(days=7)
    assert declarations_sweep(now=later).reminders == 0

    campaign_reopen(campaign=campaign, by=policy_admin, reason="Audit finished")
    first = declarations_sweep(now=later)
    second = declarations_sweep(now=later + timedelta(minutes=5))

    assert (first.reminders, second.reminders) == (1, 0)
    assert len(_keys(f"decl-reminder:{obligation.pk}:")) == 1
    obligation.refresh_from_db()
    assert obligation.next_reminder_at > later


def test_reopened_after_the_due_date_each_person_is_told_once_and_their_manager_once(
    campaign, policy_admin, alice, bob, now
):
    due = now + timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(due_at=due)
    # Alice's reminders stopped when it closed; her deadline passed while it was closed.
    alice_row = ObligationFactory(
        campaign=campaign, user=alice, due_at=due, next_reminder_at=now - timedelta(hours=1)
    )
    # Dan was already told he was overdue, and his manager too, before it closed.
    dan = UserFactory(full_name="Dan Late", line_manager=bob)
    dan_row = ObligationFactory(
        campaign=campaign,
        user=dan,
        due_at=due,
        next_reminder_at=None,
        manager_escalated_at=now,
    )
    Notification.objects.create(
        dedup_key=f"decl-overdue:{dan_row.pk}:{due.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        recipient=dan,
        to_email=dan.email,
        subject="Overdue",
    )
    campaign_close(campaign=campaign, by=policy_admin, reason="Closed early by mistake")
    later = now + timedelta(days=3)

    campaign_reopen(campaign=campaign, by=policy_admin, reason="Closed by mistake")
    first = declarations_sweep(now=later)
    second = declarations_sweep(now=later + timedelta(hours=1))

    assert (first.overdue, first.reminders, first.managers_told) == (1, 0, 1)
    assert (second.overdue, second.reminders, second.managers_told) == (0, 0, 0)
    assert len(_keys(f"decl-overdue:{alice_row.pk}:")) == 1
    assert len(_keys(f"decl-overdue-mgr:{alice_row.pk}:")) == 1
    assert len(_keys(f"decl-overdue:{dan_row.pk}:")) == 1  # the one from before, no more
    assert not _keys(f"decl-overdue-mgr:{dan_row.pk}:")


# The pages


def test_the_close_page_says_how_many_are_still_to_sign_and_what_closing_does(
    client, campaign, policy_admin
):
    _a_mix_of_people(campaign, policy_admin)
    client.force_login(policy_admin)

    page = client.get(reverse("declarations:campaign_close", args=[campaign.pk]))

    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "3 people are still to sign</strong>: 1 of them overdue, 1 paused." in text
    assert "Nobody more is asked to sign" in text
    assert "Reminders stop" in text
    assert "stay on the record as not signed" in text
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN


def test_closing_without_a_reason_keeps_it_open_and_says_why(client, campaign, policy_admin):
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_close", args=[campaign.pk])

    empty = client.post(url, {"reason": "  "})
    too_long = client.post(url, {"reason": "Because " * 200})

    assert empty.status_code == 400
    assert "Say why you are closing the campaign." in empty.text
    assert too_long.status_code == 400
    assert "Because Because" in too_long.text  # what was typed, kept
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN


def test_closing_then_reopening_from_the_pages_shows_who_and_why_on_the_campaign_page(
    client, campaign, policy_admin
):
    client.force_login(policy_admin)
    detail = reverse("declarations:campaign", args=[campaign.pk])
    assert reverse("declarations:campaign_close", args=[campaign.pk]) in client.get(detail).text

    closed = client.post(
        reverse("declarations:campaign_close", args=[campaign.pk]),
        {"reason": "The year's round is complete."},
    )
    assert closed.url == detail
    page = client.get(detail).text
    assert "Closed</dt>" in page
    assert f"by {policy_admin.full_name}" in page
    assert "The year&#x27;s round is complete." in page
    assert reverse("declarations:campaign_reopen", args=[campaign.pk]) in page

    reopened = client.post(
        reverse("declarations:campaign_reopen", args=[campaign.pk]), {"reason": "Too soon."}
    )
    assert reopened.url == detail
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.OPEN
    page = client.get(detail).text
    assert "Last closed</dt>" in page
    assert "Reopened</dt>" in page
    assert "Too soon." in page


def test_the_reopen_page_says_people_will_be_overdue_when_the_due_date_has_passed(
    client, campaign, policy_admin, now
):
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.CLOSED, due_at=now - timedelta(days=2)
    )
    ObligationFactory(campaign=campaign, due_at=now - timedelta(days=2))
    client.force_login(policy_admin)

    page = client.get(reverse("declarations:campaign_reopen", args=[campaign.pk]))

    text = " ".join(page.text.split())
    assert "has passed, so the 1 person still to sign is overdue" in text
    assert "their line managers are told once" in text


@pytest.mark.parametrize(
    ("action", "status", "refusal"),
    [
        ("close", "closed", "Only an open campaign can be closed."),
        ("close", "draft", "Only an open campaign can be closed."),
        ("reopen", "open", "Only a closed campaign can be reopened."),
    ],
)
def test_a_campaign_in_the_wrong_state_is_sent_back_to_its_page(
    client, campaign, policy_admin, action, status, refusal
):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    client.force_login(policy_admin)

    response = client.post(
        reverse(f"declarations:campaign_{action}", args=[campaign.pk]),
        {"reason": "Because"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("declarations:campaign", args=[campaign.pk])
    assert refusal in response.text
    assert Campaign.objects.get(pk=campaign.pk).status == status
