"""Thin Celery tasks for social media accounts: each calls a service and is safe to run twice.
Each is named after the service it runs, with `_task`."""

from celery import shared_task

from socialmedia.services.reminders import social_media_sweep


@shared_task(ignore_result=True)
def social_media_sweep_task() -> dict:
    """Beat, every fifteen minutes: remind owners and the Chief Executive of passwords due for a
    change, owners of reviews due, and the Chief Executive of reviews overdue. Each once; after
    an outage only the latest reminder due for each account."""
    return vars(social_media_sweep())
