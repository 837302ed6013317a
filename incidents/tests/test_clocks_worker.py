"""The incident clocks on a real Celery worker, against Redis and PostgreSQL: the sweep task
sent twice sends each alert once, and the emails reach the mail server once each."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from incidents.models import Alert
from incidents.outbox import ACTION_PREFIX, ICO_PREFIX, UNTRIAGED_PREFIX
from incidents.tasks import incident_clocks_sweep_task
from incidents.tests.clock_scenes import HOURS, action, breach, waiting
from portal.models import Notification
from portal.roles import Role
from portal.testing.worker import emails_written, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_clocks_task_sent_twice_to_a_real_worker_alerts_once_each(
    worker, mail_dir, tmp_path, dpo, deputy_dpo, alice
):
    now = timezone.now()
    breaches = [breach(left=5 * HOURS, now=now) for _ in range(3)]
    overdue = breach(left=-2 * HOURS, now=now)
    waiting(since=6 * HOURS, now=now)
    action(due=HOURS, now=now, owner=alice)

    incident_clocks_sweep_task.delay()
    incident_clocks_sweep_task.delay()
    wait_until(lambda: Alert.objects.count() == 6, worker, tmp_path)
    # Both runs are done once the worker reports the second one done.
    wait_until(
        lambda: (tmp_path / "worker.log").read_text().count("incident_clocks_sweep_task[") >= 4,
        worker,
        tmp_path,
    )
    # Eleven emails: two officers for each of four breaches and the waiting report, one owner.
    wait_until(lambda: len(emails_written(mail_dir)) >= 11, worker, tmp_path)

    assert Alert.objects.count() == 6
    assert Notification.objects.filter(dedup_key__startswith=ICO_PREFIX).count() == 8
    assert Notification.objects.filter(dedup_key__startswith=UNTRIAGED_PREFIX).count() == 2
    assert Notification.objects.filter(dedup_key__startswith=ACTION_PREFIX).count() == 1
    subjects = emails_written(mail_dir)
    assert len(subjects) == 11
    for assessment in breaches:
        reference = assessment.incident.reference
        assert sum(reference in s and "left to tell the ICO" in s for s in subjects) == 2
    assert subjects.count(f"ICO deadline passed: {overdue.incident.reference}") == 2
