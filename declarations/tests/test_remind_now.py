"""Reminders sent by hand ("Remind now"): only to people still to sign in an open campaign, at
most once a person a campaign a UK calendar day whoever sends it, each on the record (an audit
event against the person's obligation, naming who sent it) and in their message history."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Campaign, Obligation
from declarations.outbox import ObligationMessage, obligation_messages_sent, remind_now_key
from declarations.remindable import BULK_LIMIT, remind_plan, with_refusal
from declarations.services.campaigns import obligation_pause
from declarations.services.remind_now import obligation_remind_now, obligations_remind_now
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def campaign():
    version = PolicyVersionFactory(
        published=True, label="4.0", policy=PolicyFactory(title="Use of IT and social media")
    )
    return CampaignFactory(open=True, name="Annual declaration 2026", versions=[version])


@pytest.fixture
def obligation(campaign, alice):
    return ObligationFactory(campaign=campaign, user=alice)


def _reminders(obligation):
    return Notification.objects.filter(dedup_key__startswith=f"decl-remind-now:{obligation.pk}:")


def _events(obligation):
    return AuditEvent.objects.filter(
        verb=DeclarationEvent.OBLIGATION_REMINDED_NOW, object_id=str(obligation.pk)
    )


def test_a_policy_administrator_reminds_one_person_who_gets_an_email_naming_who_asked(
    obligation, policy_admin, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        obligation_remind_now(obligation=obligation, by=policy_admin, ip="10.0.0.5")

    (message,) = _reminders(obligation)
    assert message.recipient == alice
    assert message.dedup_key == remind_now_key(obligation.pk, timezone.localdate())
    assert message.subject.startswith("Priya Policy asks you to sign Annual declaration 2026 by")
    assert "Priya Policy, a policy administrator, has asked us to remind you" in message.body_text
    assert "Use of IT and social media (version 4.0)" in message.body_text
    assert f"/declarations/sign/{obligation.pk}/" in message.body_text
    assert "Read and sign the declaration" in message.body_html
    (email,) = mailoutbox
    assert email.to == [alice.email]
    (event,) = _events(obligation)
    assert event.actor == policy_admin
    assert event.ip_address == "10.0.0.5"
    assert event.changes["sent_as"] == "policy administrator"
    assert event.changes["dedup_key"] == message.dedup_key
    obligation.refresh_from_db()
    assert obligation.reminders_sent == 1


def test_an_overdue_person_is_told_it_is_overdue_and_by_their_line_manager(campaign, alice, bob):
    late = ObligationFactory(campaign=campaign, user=alice, due_at=timezone.now() - timedelta(2))
    obligation_remind_now(obligation=late, by=bob)
    message = _reminders(late).get()
    assert message.subject == (
        "Bob Manager asks you to sign Annual declaration 2026 now: it is overdue"
    )
    assert "Bob Manager, your line manager, has asked us" in message.body_text
    assert "so it is overdue" in message.body_text
    assert _events(late).get().changes["sent_as"] == "line manager"


def test_a_second_reminder_the_same_day_is_refused_saying_when_and_by_whom(
    obligation, policy_admin, bob
):
    obligation_remind_now(obligation=obligation, by=policy_admin)
    sent_at = timezone.localtime(_reminders(obligation).get().created_at)

    with pytest.raises(ValidationError) as refused:
        obligation_remind_now(obligation=obligation, by=bob)

    assert refused.value.messages == [
        f"Alice Staff was already reminded today at {sent_at:%H:%M} by Priya Policy "
        "(policy administrator). One reminder a day can be sent by hand: you can send another "
        "tomorrow."
    ]
    assert _reminders(obligation).count() == 1
    assert _events(obligation).count() == 1


def test_the_limit_is_a_uk_calendar_day_not_24_hours(obligation, policy_admin, monkeypatch):
    # 23:30 and 00:30 the next morning, UK summer time (UTC+1): two UK days, one UTC day.
    late_evening = datetime(2026, 6, 1, 23, 30, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: late_evening)
    obligation_remind_now(obligation=obligation, by=policy_admin)
    monkeypatch.setattr(timezone, "now", lambda: late_evening + timedelta(hours=1))
    obligation_remind_now(obligation=obligation, by=policy_admin)
    with pytest.raises(ValidationError):
        obligation_remind_now(obligation=obligation, by=policy_admin)
    assert sorted(m.dedup_key for m in _reminders(obligation)) == [
        f"decl-remind-now:{obligation.pk}:2026-06-01",
        f"decl-remind-now:{obligation.pk}:2026-06-02",
    ]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda o: DeclarationFactory(obligation=o), "Alice Staff has already signed"),
        (
            lambda o: Obligation.objects.filter(pk=o.pk).update(status=Obligation.Status.PAUSED),
            "Alice Staff's declaration is paused",
        ),
        (
            lambda o: Obligation.objects.filter(pk=o.pk).update(
                status=Obligation.Status.EXEMPT,
                exempted_at=timezone.now(),
                exempt_until=timezone.now() + timedelta(days=30),
                exempt_reason="Seconded to the regional unit",
            ),
            "Alice Staff is exempt from",
        ),
        (
            lambda o: Obligation.objects.filter(pk=o.pk).update(status=Obligation.Status.WITHDRAWN),
            "Alice Staff does not need to sign",
        ),
        (
            lambda o: type(o.user).objects.filter(pk=o.user_id).update(is_active=False),
            "Alice Staff has left",
        ),
        (
            lambda o: Campaign.objects.filter(pk=o.campaign_id).update(
                status=Campaign.Status.CLOSED
            ),
            "Annual declaration 2026 is not open",
        ),
    ],
)
def test_only_people_still_to_sign_in_an_open_campaign_can_be_reminded(
    obligation, policy_admin, make, says
):
    make(obligation)
    with pytest.raises(ValidationError) as refused:
        obligation_remind_now(obligation=obligation, by=policy_admin)
    assert refused.value.messages[0].startswith(says)
    assert not _reminders(obligation).exists()
    assert not _events(obligation).exists()


def test_the_message_history_says_who_sent_each_reminder_by_hand(
    obligation, policy_admin, monkeypatch
):
    obligation_remind_now(obligation=obligation, by=policy_admin)
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    obligation_remind_now(obligation=obligation, by=obligation.user.line_manager)

    listed = [s.what for s in obligation_messages_sent(obligation)]
    assert listed == [
        "Reminder sent by Priya Policy (policy administrator)",
        "Reminder sent by Bob Manager (line manager)",
    ]
    assert ObligationMessage.REMIND_NOW.label == "Reminder sent by hand"


def test_bulk_reminds_those_who_can_be_and_says_why_the_others_were_not(
    campaign, policy_admin, alice, bob, charlie
):
    can = [ObligationFactory(campaign=campaign) for _ in range(3)]
    paused = ObligationFactory(campaign=campaign, user=alice)
    obligation_pause(obligation=paused, by=policy_admin, reason="Long-term sick leave")
    signed = DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=bob))
    already = ObligationFactory(campaign=campaign, user=charlie)
    obligation_remind_now(obligation=already, by=policy_admin)
    elsewhere = ObligationFactory(campaign=CampaignFactory(open=True))
    chosen = [*can, paused, signed.obligation, already, elsewhere]

    result = obligations_remind_now(
        campaign=campaign, obligation_ids=[o.pk for o in chosen], by=policy_admin
    )

    assert sorted(o.pk for o in result.sent) == sorted(o.pk for o in can)
    assert result.skipped_text == (
        "1 has already signed; 1 is paused; 1 was already reminded today"
    )
    # Another campaign's obligation is not touched.
    assert not _reminders(elsewhere).exists()
    for obligation in can:
        assert _reminders(obligation).count() == 1
        (event,) = _events(obligation)
        assert event.changes["sent_together"] == 3
        assert event.actor == policy_admin
    assert _events(already).count() == 1

    # Sent again the same day: nobody gets a second one.
    again = obligations_remind_now(
        campaign=campaign, obligation_ids=[o.pk for o in chosen], by=policy_admin
    )
    assert again.sent == []
    assert again.skipped["reminded_today"] == 4
    assert Notification.objects.filter(dedup_key__startswith="decl-remind-now:").count() == 4


def test_bulk_refuses_more_than_the_limit_at_once(campaign, policy_admin):
    with pytest.raises(ValidationError):
        obligations_remind_now(
            campaign=campaign, obligation_ids=range(1, BULK_LIMIT + 2), by=policy_admin
        )


def test_bulk_runs_a_fixed_number_of_queries_however_many_are_reminded(
    campaign, policy_admin, django_assert_num_queries
):
    def send(count: int) -> int:
        rows = [ObligationFactory(campaign=campaign) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            result = obligations_remind_now(
                campaign=campaign, obligation_ids=[o.pk for o in rows], by=policy_admin
            )
        assert len(result.sent) == count
        return len(queries)

    send(1)  # the organisation settings are cached from here on
    few = send(2)
    assert send(60) == few


def test_the_plan_counts_who_would_be_reminded_and_why_not_in_two_queries(
    campaign, policy_admin, django_assert_num_queries
):
    for _ in range(30):
        ObligationFactory(campaign=campaign)
    for _ in range(5):
        ObligationFactory(campaign=campaign, status=Obligation.Status.PAUSED)
    with django_assert_num_queries(2):
        plan = remind_plan(campaign.obligations.order_by("pk"), day=timezone.localdate())
    assert (len(plan.chosen), plan.can_remind, plan.skipped_text) == (30, 30, "5 are paused")


def test_the_sql_key_is_the_key_the_sender_uses(obligation, policy_admin):
    obligation_remind_now(obligation=obligation, by=policy_admin)
    row = with_refusal(Obligation.objects.filter(pk=obligation.pk), day=timezone.localdate()).get()
    assert row.cannot_remind == "reminded_today"
    assert row.reminded_now_at == _reminders(obligation).get().created_at
    yesterday = timezone.localdate() - timedelta(days=1)
    other_day = with_refusal(Obligation.objects.filter(pk=obligation.pk), day=yesterday).get()
    assert other_day.cannot_remind == ""
