"""The notification outbox: one row per key, delivered once, retried with backoff, swept."""

import threading
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from portal import tasks
from portal.models import Notification, OrganisationSettings
from portal.services import notifications as outbox
from portal.services.notifications import (
    MAX_ATTEMPTS,
    Message,
    notification_deliver,
    notification_queue,
    notifications_due,
    notifications_queue_many,
)

pytestmark = pytest.mark.django_db


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def delivery_calls(monkeypatch):
    """What would be handed to Celery after commit, without running it."""
    calls = []
    monkeypatch.setattr(tasks.notification_deliver_task, "delay", lambda pk: calls.append([pk]))
    monkeypatch.setattr(
        tasks.notifications_deliver_task, "delay", lambda ids: calls.append(list(ids))
    )
    return calls


def _queue(to, key="test:1", **kwargs):
    return notification_queue(to=to, template="portal.password_changed", dedup_key=key, **kwargs)


def test_a_queued_message_is_emailed_after_commit_with_subject_text_and_html(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue(alice, context={"reset": False, "changed_at": timezone.now()})
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@example.org"]
    assert email.subject == row.subject
    assert "Hello Alice" in email.body
    assert email.alternatives[0].mimetype == "text/html"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    assert row.sent_at is not None


def test_the_same_key_never_makes_two_rows_or_two_emails(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(alice)
        second = _queue(alice)
    with django_capture_on_commit_callbacks(execute=True):
        third = _queue(alice)
    assert first is not None
    assert second is None
    assert third is None
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_message_rolled_back_with_its_cause_is_neither_kept_nor_sent(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    def change_that_fails():
        with transaction.atomic():
            _queue(alice)
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="the change failed"),
    ):
        change_that_fails()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_bulk_queueing_skips_used_keys_and_hands_over_only_the_new_rows(
    alice, bob, charlie, delivery_calls, django_capture_on_commit_callbacks
):
    _queue(alice, key="campaign:alice")
    messages = [
        Message(to=alice, template="portal.password_changed", dedup_key="campaign:alice"),
        Message(to=bob, template="portal.password_changed", dedup_key="campaign:bob"),
        Message(to=bob, template="portal.password_changed", dedup_key="campaign:bob"),
        Message(to=charlie, template="portal.password_changed", dedup_key="campaign:charlie"),
        Message(to="dpo-team@example.org", template="portal.password_changed", dedup_key="shared"),
    ]
    delivery_calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_queue_many(messages=messages, batch_size=2) == 3
    assert Notification.objects.count() == 4
    new_ids = set(
        Notification.objects.exclude(dedup_key="campaign:alice").values_list("id", flat=True)
    )
    handed_over = [pk for call in delivery_calls for pk in call]
    assert sorted(handed_over) == sorted(new_ids)
    shared = Notification.objects.get(dedup_key="shared")
    assert (shared.recipient, shared.to_email, shared.in_portal) == (
        None,
        "dpo-team@example.org",
        False,
    )


def test_a_key_too_long_for_the_column_stays_distinct_instead_of_being_cut_short(alice):
    prefix = "x" * 300
    assert _queue(alice, key=prefix + "a") is not None
    assert _queue(alice, key=prefix + "b") is not None
    assert _queue(alice, key=prefix + "a") is None
    assert Notification.objects.count() == 2


def test_plain_text_and_subject_are_not_html_escaped_but_the_html_part_is(alice):
    org = OrganisationSettings.load()
    org.short_name = "O'Brien & Co <OPCC>"
    org.save()
    row = _queue(alice, context={"reset": True, "changed_at": timezone.now()})
    assert "O'Brien & Co <OPCC>" in row.subject
    assert "O'Brien & Co <OPCC>" in row.body_text
    assert "O&#x27;Brien &amp; Co &lt;OPCC&gt;" in row.body_html


def test_a_subject_never_carries_a_line_break_into_the_header(alice):
    org = OrganisationSettings.load()
    org.short_name = "Evil\r\nBcc: someone@example.com"
    org.save()
    row = _queue(alice, context={"reset": False, "changed_at": timezone.now()})
    assert "\n" not in row.subject
    assert "\r" not in row.subject


def test_a_delivery_that_runs_twice_sends_once(alice, mailoutbox):
    row = _queue(alice)
    assert notification_deliver(notification_id=row.pk) is True
    assert notification_deliver(notification_id=row.pk) is False
    assert tasks.notification_deliver_task(row.pk) is False
    assert len(mailoutbox) == 1


def test_a_failing_mail_server_backs_off_then_gives_up_after_the_last_attempt(
    alice, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "portal.tests.test_outbox.BrokenMailServer"
    row = _queue(alice)
    before = timezone.now()
    assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 1)
    assert "mail server down" in row.last_error
    assert before + timedelta(seconds=55) < row.next_attempt_at < before + timedelta(minutes=2)

    # Backoff is respected: a second try before the time comes does not even claim the row.
    assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.pk not in notifications_due()

    waits = [round((row.next_attempt_at - before).total_seconds() / 60)]
    for _ in range(MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        assert row.pk in notifications_due()
        before = timezone.now()
        notification_deliver(notification_id=row.pk)
        row.refresh_from_db()
        if row.next_attempt_at:
            waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
    assert (row.status, row.attempts) == (Notification.Status.FAILED, MAX_ATTEMPTS)
    assert row.next_attempt_at is None
    assert waits == [1, 2, 4, 8, 16, 30, 30]  # minutes: doubling, capped at half an hour
    assert row.pk not in notifications_due()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver(notification_id=row.pk) is False
    assert mailoutbox == []


def test_the_sweep_requeues_lost_rows_and_stale_claims_but_not_fresh_or_waiting_ones(
    alice, mailoutbox
):
    now = timezone.now()
    lost = _queue(alice, key="lost")
    fresh = _queue(alice, key="fresh")
    stale = _queue(alice, key="stale")
    waiting = _queue(alice, key="waiting")
    dead = _queue(alice, key="dead")
    Notification.objects.filter(pk__in=[lost.pk, stale.pk, waiting.pk, dead.pk]).update(
        created_at=now - timedelta(minutes=10)
    )
    Notification.objects.filter(pk__in=[stale.pk, dead.pk]).update(
        status=Notification.Status.SENDING, claimed_until=now - timedelta(seconds=1), attempts=1
    )
    Notification.objects.filter(pk=dead.pk).update(attempts=MAX_ATTEMPTS)
    Notification.objects.filter(pk=waiting.pk).update(
        attempts=2, next_attempt_at=now + timedelta(minutes=1)
    )

    assert notifications_due() == [lost.pk, stale.pk]
    assert Notification.objects.get(pk=dead.pk).status == Notification.Status.FAILED

    assert tasks.notifications_sweep_task() == 2  # eager: the delivery tasks run at once
    assert sorted(m.extra_headers["X-Portal-Message"] for m in mailoutbox) == sorted(
        [str(lost.pk), str(stale.pk)]
    )
    assert tasks.notifications_sweep_task() == 0
    statuses = dict(Notification.objects.values_list("dedup_key", "status"))
    assert statuses == {
        "lost": "sent",
        "stale": "sent",
        "fresh": "pending",
        "waiting": "pending",
        "dead": "failed",
    }
    assert fresh.pk not in notifications_due()


def test_a_claim_still_running_is_left_alone_by_the_sweep(alice):
    row = _queue(alice)
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING,
        claimed_until=timezone.now() + timedelta(minutes=4),
        created_at=timezone.now() - timedelta(minutes=10),
    )
    assert notifications_due() == []
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.SENDING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_queueing_the_same_key_at_once_make_one_row_and_one_handover(
    alice, delivery_calls
):
    first_inserted = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = _queue(alice, key="race")
                first_inserted.set()
                # Hold the transaction open while the second one tries the same key.
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def second():
        try:
            first_inserted.wait(5)
            with transaction.atomic():
                # The existence check cannot see the uncommitted row; the insert waits for it.
                results["second"] = _queue(alice, key="race")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["first"] is not None
    assert results["second"] is None
    assert Notification.objects.filter(dedup_key="race").count() == 1
    assert delivery_calls == [[results["first"].pk]]


def test_marking_read_touches_only_the_persons_own_in_portal_items(alice, bob):
    mine = _queue(alice, key="a")
    inbox_only = _queue(alice, key="b", in_portal=False)
    theirs = _queue(bob, key="c")
    assert outbox.notifications_mark_all_read(user=alice) == 1
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {mine.pk}
    assert inbox_only.pk not in read
    assert theirs.pk not in read
