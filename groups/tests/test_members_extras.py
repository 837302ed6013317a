"""The members part's smaller promises: a hold notice owed shows on the dashboard with a link to
the group, the group page's sections cost the same whatever the group's size, and the review
sweep is on the beat schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Hold, HoldNotice
from groups.tasks import chat_group_reviews_remind_task
from groups.tests.factories import ChatGroupFactory, MembershipFactory
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_a_hold_notice_not_yet_acknowledged_is_on_the_dashboard_with_a_link_to_the_group(
    client, alice, bob, dpo
):
    group = ChatGroupFactory(approved=True, admin=bob, members=[alice])
    hold = Hold.objects.create(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-118",
        request_received_on=timezone.localdate(),
        placed_by=dpo,
    )
    hold.groups.add(group)
    HoldNotice.objects.create(hold=hold, user=alice)
    client.force_login(alice)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Do not delete anything" in page
    assert "FOI-2026-118" in page
    assert reverse("groups:group", args=[group.pk]) in page


def test_a_released_hold_asks_nothing_on_the_dashboard(client, alice, bob, dpo):
    group = ChatGroupFactory(approved=True, admin=bob, members=[alice])
    hold = Hold.objects.create(
        kind=Hold.Kind.SAR,
        reference="SAR-7",
        request_received_on=timezone.localdate(),
        placed_by=dpo,
        released_at=timezone.now(),
        released_by=dpo,
        release_reason="Answered.",
    )
    hold.groups.add(group)
    HoldNotice.objects.create(hold=hold, user=alice)
    client.force_login(alice)
    assert "SAR-7" not in client.get(reverse("portal:dashboard")).content.decode()


def _group_page_queries(client, person, group) -> int:
    client.force_login(person)
    url = reverse("groups:group", args=[group.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_the_group_page_costs_the_same_queries_with_one_member_or_many(client, alice, bob):
    small = ChatGroupFactory(approved=True, admin=alice)
    MembershipFactory(group=small, removed_at=timezone.now())
    large = ChatGroupFactory(approved=True, admin=bob)
    for _ in range(40):
        MembershipFactory(group=large, rules_sent_at=timezone.now())
    for _ in range(10):
        MembershipFactory(group=large, removed_at=timezone.now())
    assert _group_page_queries(client, alice, small) == _group_page_queries(client, bob, large)


def test_the_review_sweep_is_on_the_beat_schedule_and_its_task_runs_it(alice):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "groups.tasks.chat_group_reviews_remind_task" in tasks
    ChatGroupFactory(approved=True, admin=alice, review_due_at=timezone.now() + timedelta(days=1))
    assert chat_group_reviews_remind_task() == {"reminded": 1, "dpo_told": 0}
    assert Notification.objects.get().recipient == alice
