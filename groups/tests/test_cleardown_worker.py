"""The clear-down sweep on a real Celery worker, against Redis and PostgreSQL: sent twice it
opens each period once; a worker killed mid-sweep leaves no duplicate and, once the sweep runs
again, no missing prompt; after three weeks down it prompts once and records what was missed."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Membership
from groups.schedule import Schedule
from groups.tasks import clear_downs_sweep_task
from portal.models import Notification, User
from portal.testing.worker import start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _groups(count: int, members: int, *, weeks_down: int = 0) -> Schedule:
    """`count` approved groups of `members` people (the admin among them), in bulk, whose
    current period opened a little before now and whose next slot not dealt with is
    `weeks_down` periods before it."""
    now = timezone.now()
    anchor = timezone.localdate(now) - timedelta(days=7 * (weeks_down + 1))
    at = (timezone.localtime(now) - timedelta(minutes=30)).time().replace(microsecond=0)
    schedule = Schedule(anchor=anchor, at=at, interval_days=7)
    current = schedule.latest(now)
    assert current is not None
    first = current - timedelta(days=7 * weeks_down) if weeks_down else current
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(email=f"w{start + i}@example.org", full_name=f"Worker Test {i}", password="!")
        for i in range(count * members)
    )
    groups = ChatGroup.objects.bulk_create(
        ChatGroup(
            name=f"Worker group {i}",
            platform="whatsapp",
            purpose=".",
            audience=".",
            will_post=".",
            never_post=".",
            why_not_corporate=".",
            expected_size=members,
            admin=people[i * members],
            applicant=people[i * members],
            status=ChatGroup.Status.APPROVED,
            approved_at=now - timedelta(days=60),
            cycle_anchor=anchor,
            cleardown_time=at,
            next_cycle_at=first if weeks_down else schedule.slot(schedule.index_at_or_before(now)),
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(group=group, user=people[i * members + j])
        for i, group in enumerate(groups)
        for j in range(members)
    )
    return schedule


def _assert_exactly_one_prompt_each(groups: int, members: int) -> None:
    assert ClearDownCycle.objects.filter(outcome="prompted").count() == groups
    assert ClearDownPrompt.objects.count() == groups * members
    assert Notification.objects.filter(dedup_key__startswith="cd-member:").count() == (
        groups * members
    )
    assert Notification.objects.filter(dedup_key__startswith="cd-admin:").count() == groups


def _all_prompted(groups: int, members: int):
    return lambda: (
        ClearDownPrompt.objects.count() == groups * members
        and not (ChatGroup.objects.filter(next_cycle_at__lte=timezone.now()).exists())
    )


def test_the_sweep_sent_twice_to_a_real_worker_opens_each_period_once(worker, tmp_path):
    _groups(20, 4)

    clear_downs_sweep_task.delay()
    clear_downs_sweep_task.delay()
    wait_until(_all_prompted(20, 4), worker, tmp_path)
    # Both have run once the worker reports the second one done.
    wait_until(
        lambda: (tmp_path / "worker.log").read_text().count("clear_downs_sweep_task[") >= 4,
        worker,
        tmp_path,
    )

    _assert_exactly_one_prompt_each(20, 4)


def test_a_worker_killed_mid_sweep_leaves_no_duplicate_and_the_next_sweep_misses_nobody(
    worker, mail_dir, tmp_path
):
    groups, members = 1000, 5
    _groups(groups, members)

    clear_downs_sweep_task.delay()
    # Kill it the moment a batch has committed: the sweep is part way through.
    deadline = time.monotonic() + 120
    while not ClearDownCycle.objects.exists():
        assert time.monotonic() < deadline, "the sweep never started"
        assert worker.poll() is None, "the worker stopped before the sweep started"
        time.sleep(0.02)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    part_way = ClearDownCycle.objects.count()
    assert 0 < part_way < groups, f"not killed mid-sweep ({part_way} of {groups})"
    # What committed is whole: every period opened has all its prompts and emails.
    assert ClearDownPrompt.objects.count() == part_way * members

    again = start_worker(mail_dir, tmp_path / "worker.log")
    try:
        clear_downs_sweep_task.delay()
        wait_until(_all_prompted(groups, members), again, tmp_path, timeout=240)
    finally:
        stop_worker(again)

    _assert_exactly_one_prompt_each(groups, members)


def test_after_three_weeks_down_a_real_worker_prompts_once_and_records_the_missed_periods(
    worker, tmp_path
):
    _groups(5, 3, weeks_down=3)

    clear_downs_sweep_task.delay()
    wait_until(_all_prompted(5, 3), worker, tmp_path)

    assert ClearDownCycle.objects.filter(outcome="missed").count() == 15
    _assert_exactly_one_prompt_each(5, 3)
