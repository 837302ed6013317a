"""Thin Celery tasks for the chat-group register: call a service. Each is safe to run twice.

Each task is named after the service it runs, with `_task`.
"""

from celery import shared_task

from groups.services.cleardowns import clear_downs_sweep


@shared_task(ignore_result=True)
def clear_downs_sweep_task() -> dict:
    """Beat, every five minutes: open the clear-down periods that have come, prompt for the
    current one, send the reminders and escalations due. Safe to run twice, and catches up once
    (recording the missed periods) after the scheduler was down."""
    return vars(clear_downs_sweep())
