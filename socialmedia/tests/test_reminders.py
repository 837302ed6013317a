"""The reminders sweep: passwords due for a change are chased every few days until a new one is
recorded; reviews due remind the owner once; reviews overdue tell the Chief Executive once.
Time is moved with `now=`."""

from datetime import timedelta

import pytest

from portal.models import AuditEvent, Notification, OrganisationSettings
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, Reminder
from socialmedia.outbox import review_slot, rotation_slot
from socialmedia.services.reminders import social_media_sweep
from socialmedia.tests.reminder_scenes import DAY, NOW, review_due, rotation_due

pytestmark = pytest.mark.django_db


# Each kind's emails, by their keys (socialmedia/outbox.py reminder_message_key).
KINDS = {
    SocialEmail.ROTATION_REMINDER: Reminder.Kind.ROTATION_DUE,
    SocialEmail.REVIEW_DUE: Reminder.Kind.REVIEW_DUE,
    SocialEmail.REVIEW_OVERDUE: Reminder.Kind.REVIEW_OVERDUE,
}


def _emails(template: str) -> list[Notification]:
    kind = KINDS[template]
    return list(Notification.objects.filter(dedup_key__contains=f":{kind}:").order_by("pk"))


def _to(notifications) -> set[str]:
    return {n.to_email for n in notifications}


@pytest.fixture
def weekly():
    org = OrganisationSettings.load()
    org.social_rotation_reminder_days = 7
    org.chief_executive_email = ""
    org.save()
    return org


# ---- Password changes due ----


def test_the_first_rotation_reminder_goes_a_period_after_it_fell_due(
    alice, chief_executive, weekly
):
    account = rotation_due(since=6 * DAY, applicant=alice)

    assert social_media_sweep(now=NOW).rotation_reminders == 0
    result = social_media_sweep(now=NOW + DAY)

    assert result.rotation_reminders == 1
    assert _to(_emails(SocialEmail.ROTATION_REMINDER)) == {alice.email, chief_executive.email}
    assert Reminder.objects.get().slot == rotation_slot(account.rotation_due_since, 1)


def test_rotation_reminders_repeat_each_period_and_not_between(alice, chief_executive, weekly):
    account = rotation_due(since=7 * DAY, applicant=alice)

    social_media_sweep(now=NOW)
    social_media_sweep(now=NOW + 3 * DAY)
    social_media_sweep(now=NOW + 6 * DAY + timedelta(hours=23))
    social_media_sweep(now=NOW + 7 * DAY)

    slots = sorted(Reminder.objects.values_list("slot", flat=True))
    assert slots == [rotation_slot(account.rotation_due_since, n) for n in (1, 2)]
    assert len(_emails(SocialEmail.ROTATION_REMINDER)) == 4


def test_catching_up_after_an_outage_sends_only_the_latest_reminder(alice, chief_executive, weekly):
    account = rotation_due(since=36 * DAY, applicant=alice)

    result = social_media_sweep(now=NOW)

    assert result.rotation_reminders == 1
    assert Reminder.objects.get().slot == rotation_slot(account.rotation_due_since, 5)
    assert "36 days ago" in _emails(SocialEmail.ROTATION_REMINDER)[0].body_text


def test_the_reminders_stop_once_a_new_password_is_recorded(alice, chief_executive, weekly):
    account = rotation_due(since=7 * DAY, applicant=alice)
    social_media_sweep(now=NOW)
    # What recording a new password does to the account (part of the credential register).
    Account.objects.filter(pk=account.pk).update(rotation_due_since=None, rotation_due_reason="")

    for week in range(1, 5):
        assert social_media_sweep(now=NOW + week * 7 * DAY).rotation_reminders == 0

    assert Reminder.objects.count() == 1


def test_a_new_due_instant_starts_its_own_count(alice, chief_executive, weekly):
    account = rotation_due(since=7 * DAY, applicant=alice)
    social_media_sweep(now=NOW)
    again = NOW + 2 * DAY
    Account.objects.filter(pk=account.pk).update(rotation_due_since=again)

    social_media_sweep(now=again + 7 * DAY)

    slots = set(Reminder.objects.values_list("slot", flat=True))
    assert rotation_slot(again, 1) in slots
    assert len(slots) == 2


def test_the_cadence_is_the_organisation_setting(alice, chief_executive, weekly):
    weekly.social_rotation_reminder_days = 2
    weekly.save()
    rotation_due(since=2 * DAY, applicant=alice)

    social_media_sweep(now=NOW)
    social_media_sweep(now=NOW + DAY)
    social_media_sweep(now=NOW + 2 * DAY)

    assert Reminder.objects.count() == 2


def test_with_no_chief_executive_the_mailbox_is_reminded(alice, weekly):
    weekly.chief_executive_email = "Chief.Executive@example.org"
    weekly.save()
    rotation_due(since=7 * DAY, applicant=alice)

    social_media_sweep(now=NOW)

    assert _to(_emails(SocialEmail.ROTATION_REMINDER)) == {
        alice.email,
        "Chief.Executive@example.org",
    }


def test_with_no_chief_executive_and_no_mailbox_nothing_is_claimed_and_it_waits(
    alice, weekly, django_user_model
):
    rotation_due(since=7 * DAY, applicant=alice)

    social_media_sweep(now=NOW)
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()

    weekly.chief_executive_email = "ce@example.org"
    weekly.save()
    assert social_media_sweep(now=NOW + timedelta(minutes=15)).rotation_reminders == 1


def test_an_owner_who_is_the_chief_executive_gets_one_email(chief_executive, weekly):
    rotation_due(since=7 * DAY, applicant=chief_executive)
    social_media_sweep(now=NOW)
    assert len(_emails(SocialEmail.ROTATION_REMINDER)) == 1


def test_accounts_not_running_are_not_reminded(alice, chief_executive, weekly):
    rotation_due(since=7 * DAY, applicant=alice, status=Account.Status.CLOSED)
    review_due(ago=30 * DAY, applicant=alice, status=Account.Status.CLOSED)
    result = social_media_sweep(now=NOW)
    assert (result.rotation_reminders, result.reviews_due, result.reviews_overdue) == (0, 0, 0)
    assert not Notification.objects.exists()


def test_a_suspended_account_is_still_reminded(alice, chief_executive, weekly):
    rotation_due(since=7 * DAY, applicant=alice, status=Account.Status.SUSPENDED)
    assert social_media_sweep(now=NOW).rotation_reminders == 1


def test_no_email_carries_a_secret(alice, chief_executive, weekly):
    from socialmedia.tests.factories import PLAIN_DEFAULTS, CredentialFactory

    account = rotation_due(since=7 * DAY, applicant=alice)
    CredentialFactory(account=account)
    review_due(ago=20 * DAY, applicant=alice)

    social_media_sweep(now=NOW)

    assert Notification.objects.count() == 4
    for notification in Notification.objects.all():
        text = notification.subject + notification.body_text + notification.body_html
        for secret in PLAIN_DEFAULTS.values():
            assert secret not in text


# ---- Reviews ----


def test_the_owner_is_reminded_once_when_a_review_falls_due(alice, chief_executive, weekly):
    account = review_due(ago=-timedelta(minutes=1), applicant=alice)

    assert social_media_sweep(now=NOW).reviews_due == 0
    assert social_media_sweep(now=NOW + timedelta(minutes=1)).reviews_due == 1
    assert social_media_sweep(now=NOW + 5 * DAY).reviews_due == 0

    [email] = _emails(SocialEmail.REVIEW_DUE)
    assert email.to_email == alice.email
    assert f"/accounts/{account.pk}/review/" in email.url
    assert Reminder.objects.get().slot == review_slot(account.review_due_at)


def test_an_overdue_review_goes_to_the_chief_executive_once(alice, chief_executive, weekly):
    review_due(ago=13 * DAY, applicant=alice)

    assert social_media_sweep(now=NOW).reviews_overdue == 0
    assert social_media_sweep(now=NOW + DAY).reviews_overdue == 1
    assert social_media_sweep(now=NOW + 30 * DAY).reviews_overdue == 0

    [told] = _emails(SocialEmail.REVIEW_OVERDUE)
    assert told.to_email == chief_executive.email
    assert len(_emails(SocialEmail.REVIEW_DUE)) == 1


def test_a_review_done_earns_the_next_date_its_own_reminders(alice, chief_executive, weekly):
    from socialmedia.services.reviews import account_review

    account = review_due(ago=20 * DAY, applicant=alice)
    social_media_sweep(now=NOW)
    account_review(
        account=account, accurate=True, links_back=True, team_right=True, notes="", by=alice
    )
    account.refresh_from_db()

    social_media_sweep(now=account.review_due_at + 15 * DAY)

    assert len(_emails(SocialEmail.REVIEW_DUE)) == 2
    assert len(_emails(SocialEmail.REVIEW_OVERDUE)) == 2


def test_a_review_overdue_whose_owner_left_still_reaches_the_chief_executive(
    alice, chief_executive, weekly
):
    review_due(ago=20 * DAY, applicant=alice)
    alice.is_active = False
    alice.save()

    result = social_media_sweep(now=NOW)

    assert (result.reviews_due, result.reviews_overdue) == (0, 1)
    assert "has left" in _emails(SocialEmail.REVIEW_OVERDUE)[0].body_text


# ---- The record ----


def test_a_sweep_that_sends_audits_the_counts_and_one_that_does_not_writes_nothing(
    alice, chief_executive, weekly
):
    rotation_due(since=7 * DAY, applicant=alice)
    review_due(ago=20 * DAY, applicant=alice)

    social_media_sweep(now=NOW)
    events = list(AuditEvent.objects.filter(verb=SocialEvent.REMINDERS_SENT).order_by("pk"))
    social_media_sweep(now=NOW + timedelta(minutes=15))

    assert {event.changes["kind"]: event.changes["reminders"] for event in events} == {
        "rotation_due": 1,
        "review_due": 1,
        "review_overdue": 1,
    }
    assert sum(event.changes["emails"] for event in events) == 4
    assert AuditEvent.objects.filter(verb=SocialEvent.REMINDERS_SENT).count() == 3


def test_two_runs_send_nothing_twice(alice, bob, chief_executive, weekly):
    for _ in range(3):
        rotation_due(since=14 * DAY, applicant=alice, team=[bob])
        review_due(ago=15 * DAY, applicant=bob)

    first = social_media_sweep(now=NOW, batch_size=2)
    second = social_media_sweep(now=NOW, batch_size=2)

    assert (first.rotation_reminders, first.reviews_due, first.reviews_overdue) == (3, 3, 3)
    assert (second.rotation_reminders, second.reviews_due, second.reviews_overdue) == (0, 0, 0)
    keys = list(Notification.objects.values_list("dedup_key", flat=True))
    assert len(keys) == len(set(keys)) == 3 * 2 + 3 + 3


def test_the_sweep_costs_the_same_queries_for_one_account_or_many(alice, chief_executive, weekly):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(count: int, at) -> int:
        for _ in range(count):
            rotation_due(since=at - NOW + 7 * DAY, applicant=alice)
            review_due(ago=at - NOW + 20 * DAY, applicant=alice)
        with CaptureQueriesContext(connection) as queries:
            social_media_sweep(now=at, batch_size=1000)
        return len(queries)

    social_media_sweep(now=NOW - 1000 * DAY)  # the organisation's settings into the cache
    assert cost(1, NOW) == cost(25, NOW + 400 * DAY)
