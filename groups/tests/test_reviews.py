"""Reviews: the admin confirms the purpose and membership; the sweep reminds once and tells the
DPO once when overdue, comparing instants."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, Review
from groups.outbox import review_due_key, review_overdue_key
from groups.services.reviews import (
    REVIEW_NOTICE,
    REVIEW_OVERDUE_AFTER,
    chat_group_review,
    chat_group_reviews_remind,
)
from groups.tests.factories import ChatGroupFactory
from portal.lib.uktime import months_on
from portal.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def test_a_review_records_who_and_sets_the_next_date_an_interval_on(alice):
    group = ChatGroupFactory(approved=True, admin=alice)
    review = chat_group_review(group=group, by=alice, purpose_holds=True, membership_right=True)
    group.refresh_from_db()
    assert Review.objects.get() == review
    assert group.last_reviewed_at == review.reviewed_at
    assert group.review_due_at == months_on(review.reviewed_at, 12)
    assert AuditEvent.objects.filter(verb=GroupEvent.REVIEWED, actor=alice).exists()


def test_a_review_must_confirm_both_the_purpose_and_the_membership(alice):
    group = ChatGroupFactory(approved=True, admin=alice)
    with pytest.raises(ValidationError):
        chat_group_review(group=group, by=alice, purpose_holds=True, membership_right=False)
    assert not Review.objects.exists()


def test_months_on_keeps_the_local_time_and_falls_back_to_a_shorter_months_end():
    start = timezone.make_aware(timezone.datetime(2026, 1, 31, 10, 0))
    assert timezone.localtime(months_on(start, 1)).isoformat().startswith("2026-02-28T10:00")
    summer = months_on(start, 5)
    assert timezone.localtime(summer).hour == 10


def test_the_sweep_reminds_the_admin_once_when_a_review_falls_due(alice):
    now = timezone.now()
    due_at = now + REVIEW_NOTICE - timedelta(minutes=1)
    group = ChatGroupFactory(approved=True, admin=alice, review_due_at=due_at)
    ChatGroupFactory(approved=True, review_due_at=now + REVIEW_NOTICE + timedelta(days=1))

    first = chat_group_reviews_remind(now=now)
    second = chat_group_reviews_remind(now=now + timedelta(hours=6))

    assert first.reminded == 1
    assert second.reminded == 0
    assert Notification.objects.filter(
        dedup_key=review_due_key(group.pk, due_at, alice.pk)
    ).exists()
    assert Notification.objects.count() == 1


def test_the_dpo_is_told_once_when_a_review_is_overdue(alice, dpo):
    now = timezone.now()
    due_at = now - REVIEW_OVERDUE_AFTER - timedelta(minutes=1)
    group = ChatGroupFactory(approved=True, admin=alice, review_due_at=due_at)

    chat_group_reviews_remind(now=now)
    chat_group_reviews_remind(now=now + timedelta(days=1))

    assert (
        Notification.objects.filter(dedup_key=review_overdue_key(group.pk, due_at, dpo.pk)).count()
        == 1
    )
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_a_review_done_earns_the_next_date_its_own_reminder(alice):
    now = timezone.now()
    group = ChatGroupFactory(approved=True, admin=alice, review_due_at=now)
    chat_group_reviews_remind(now=now)
    chat_group_review(group=group, by=alice, purpose_holds=True, membership_right=True)
    group.refresh_from_db()
    assert group.review_due_at is not None
    later = group.review_due_at
    chat_group_reviews_remind(now=later)
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_groups_not_approved_are_not_reminded(alice):
    ChatGroupFactory(admin=alice, status=ChatGroup.Status.SUSPENDED, review_due_at=timezone.now())
    assert chat_group_reviews_remind().reminded == 0
