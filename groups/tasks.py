"""Thin Celery tasks for the chat-group register: take ids, call a service. Each is safe to run
twice. Each task is named after the service it runs, with `_task`."""

from celery import shared_task

from groups.services.reviews import chat_group_reviews_remind


@shared_task(ignore_result=True)
def chat_group_reviews_remind_task() -> dict:
    """Beat: remind admins of reviews falling due, tell the DPO of overdue ones. Once each."""
    return vars(chat_group_reviews_remind())
