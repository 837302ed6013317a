"""The reminders sweep on a real Celery worker, against Redis and PostgreSQL: the task sent
twice sends each reminder once, and the emails reach the mail server once each."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import Notification
from portal.roles import Role
from portal.testing.worker import emails_written, wait_until
from socialmedia.models import Reminder
from socialmedia.tasks import social_media_sweep_task
from socialmedia.tests.factories import AccountFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    # A transactional test empties every table when it ends, the role groups included.
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_sweep_task_sent_twice_to_a_real_worker_reminds_once_each(
    worker, mail_dir, tmp_path, alice, chief_executive
):
    now = timezone.now()
    for _ in range(2):
        AccountFactory(
            applicant=alice,
            rotation_due_since=now - timedelta(days=8),
            review_due_at=now + timedelta(days=60),
        )
    AccountFactory(applicant=alice, review_due_at=now - timedelta(days=20))

    social_media_sweep_task.delay()
    social_media_sweep_task.delay()
    wait_until(lambda: Reminder.objects.count() == 4, worker, tmp_path)
    # Both runs are done once the worker reports the second one done.
    wait_until(
        lambda: (tmp_path / "worker.log").read_text().count("social_media_sweep_task[") >= 4,
        worker,
        tmp_path,
    )
    # Six emails: owner and Chief Executive for each password; the owner and then the Chief
    # Executive for the review.
    wait_until(lambda: len(emails_written(mail_dir)) >= 6, worker, tmp_path)

    assert Reminder.objects.count() == 4
    assert Notification.objects.count() == 6
    subjects = emails_written(mail_dir)
    assert len(subjects) == 6
    assert sum(s.startswith("Reminder: change the password") for s in subjects) == 4
    assert sum(s.startswith("Review due") for s in subjects) == 1
    assert sum(s.startswith("Review overdue") for s in subjects) == 1
