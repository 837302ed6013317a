"""Outbox: queue N notifications in bulk, queue them again (all deduplicated), deliver a sample.

    python -m bench.bench_outbox [--messages 50000] [--deliver 1000]

The messages use the password-reset email template (subject, text and HTML through the layout),
so rendering costs what a real campaign email costs. Delivery goes to Django's in-memory email
backend: what is timed is the claim, the send call and the bookkeeping, not a mail server.
"""

import argparse

from bench._common import bench_setup, bulk_insert, peak_memory_mb, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--deliver", type=int, default=1_000)
    args = parser.parse_args()

    bench_setup("outbox")
    from django.conf import settings
    from django.core import mail

    from portal.events import PortalEmail
    from portal.models import Notification, User
    from portal.services.notifications import (
        Message,
        notification_deliver,
        notifications_queue_many,
    )

    print(f"bench_outbox: {args.messages:,} messages, delivery of {args.deliver:,}")
    with timed("create recipients", args.messages, "people"):
        bulk_insert(
            User,
            args.messages,
            lambda i: User(email=f"bench{i}@example.org", full_name=f"Bench {i}", password="!"),
        )

    def messages():
        for user in User.objects.only("id", "email", "full_name").order_by("id").iterator(5000):
            yield Message(
                to=user,
                template=PortalEmail.PASSWORD_RESET,
                dedup_key=f"bench:{user.pk}",
                url="/accounts/password/reset/",
            )

    before = peak_memory_mb()
    with timed("queue with notifications_queue_many", args.messages, "messages"):
        queued = notifications_queue_many(messages=messages())
    assert queued == args.messages, queued
    print(f"  peak memory: {before:,.0f} MB before queueing, {peak_memory_mb():,.0f} MB after")

    with timed("queue the same again (every one deduplicated)", args.messages, "messages"):
        again = notifications_queue_many(messages=messages())
    assert again == 0, again

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    sample = list(Notification.objects.order_by("id").values_list("id", flat=True)[: args.deliver])
    with timed("deliver one by one (locmem backend)", len(sample), "emails"):
        sent = sum(notification_deliver(notification_id=pk) for pk in sample)
    with timed("deliver the same again (nothing sent)", len(sample), "emails"):
        resent = sum(notification_deliver(notification_id=pk) for pk in sample)
    assert sent == len(sample) == len(mail.outbox), (sent, resent)
    assert resent == 0, (sent, resent)


if __name__ == "__main__":
    main()
