"""Thin Celery tasks: take ids, call a service. Each is safe to run twice.

Each task is named after the service it runs, with `_task`, so a task seen in a worker's log
or in the beat schedule leads straight to the code that does the work.
"""

from celery import shared_task

from portal.services.notifications import (
    notification_deliver,
    notifications_deliver,
    notifications_sweep,
)
from portal.services.retention import retention_dispose
from portal.services.sessions import sessions_clear_expired
from portal.services.users import users_deactivate_leavers


@shared_task(ignore_result=True)
def notification_deliver_task(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_deliver_task(notification_ids: list[int]) -> int:
    return notifications_deliver(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def notifications_sweep_task() -> int:
    """Beat, every minute: hand undelivered messages to delivery again."""
    return notifications_sweep()


@shared_task(ignore_result=True)
def users_deactivate_leavers_task() -> int:
    """Beat, hourly: people whose leave date has passed leave the portal."""
    return users_deactivate_leavers()


@shared_task(ignore_result=True)
def sessions_clear_expired_task() -> int:
    """Beat, hourly: sessions past their idle limit, and their records, are deleted."""
    return sessions_clear_expired()


# Disposal may run long the first time (years of records); it must end inside the broker's
# visibility timeout (one hour), or Redis would hand it to a second worker (whose run would then
# find the sweep's lock taken and leave).
@shared_task(ignore_result=True, soft_time_limit=55 * 60, time_limit=58 * 60)
def retention_dispose_task() -> int:
    """Beat, daily: records past their retention period, and under no hold, are disposed of."""
    return retention_dispose()
