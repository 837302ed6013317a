"""Thin Celery tasks: take ids, call a service. Each is safe to run twice."""

from celery import shared_task

from portal.services.notifications import notification_deliver, notifications_due
from portal.services.users import users_deactivate_leavers


@shared_task(ignore_result=True)
def deliver_notification(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Beat, every minute: hand undelivered messages to delivery again."""
    ids = notifications_due()
    for start in range(0, len(ids), 200):
        deliver_notifications.delay(ids[start : start + 200])
    return len(ids)


@shared_task(ignore_result=True)
def leavers_sweep() -> int:
    """Beat, hourly: people whose leave date has passed leave the portal."""
    return users_deactivate_leavers()
