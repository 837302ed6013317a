"""Thin Celery tasks for the chat-group register: each calls a service and is safe to run
twice. Each is named after the service it runs, with `_task`."""

from celery import shared_task

from groups.services.cleardowns import clear_downs_sweep
from groups.services.hold_followups import hold_notices_sweep
from groups.services.reviews import chat_group_reviews_remind


@shared_task(ignore_result=True)
def hold_notices_sweep_task() -> dict:
    """Beat, every fifteen minutes: remind, then escalate, hold notices nobody has
    acknowledged. Safe to run twice; catches up once after the scheduler was down."""
    return vars(hold_notices_sweep())


@shared_task(ignore_result=True)
def chat_group_reviews_remind_task() -> dict:
    """Beat: remind admins of reviews falling due, tell the DPO of overdue ones. Once each."""
    return vars(chat_group_reviews_remind())


@shared_task(ignore_result=True)
def clear_downs_sweep_task() -> dict:
    """Beat, every five minutes: open the clear-down periods that have come, prompt for the
    current one, send the reminders and escalations due. Safe to run twice, and catches up once
    (recording the missed periods) after the scheduler was down."""
    return vars(clear_downs_sweep())
