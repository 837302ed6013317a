"""Thin Celery tasks for declarations: take ids, call a service. Each is safe to run twice.

Each task is named after the service it runs, with `_task`.
"""

from celery import shared_task

from declarations.models import Campaign
from declarations.services.campaigns import campaign_enrol
from declarations.services.reminders import declarations_sweep
from declarations.services.repeats import campaign_repeats_sweep
from declarations.services.reviews import policy_reviews_remind
from declarations.services.summaries import campaign_summaries_send


@shared_task(ignore_result=True)
def campaign_enrol_task(campaign_id: int) -> int:
    """Queued when a campaign opens: ask its whole audience, in bulk."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return campaign_enrol(campaign=campaign)


@shared_task(ignore_result=True)
def declarations_sweep_task() -> dict:
    """Beat, every five minutes: end exemptions that are over, enrol newcomers, send reminders
    that have fallen due, escalate what is overdue. Safe to run twice, and catches up once
    after the scheduler was down."""
    return vars(declarations_sweep())


@shared_task(ignore_result=True)
def campaign_repeats_sweep_task() -> dict:
    """Beat, every five minutes: open prepared repeats whose opening time has come, and prepare
    next year's campaign from repeating ones whose time has come. Safe to run twice."""
    return vars(campaign_repeats_sweep())


@shared_task(ignore_result=True)
def policy_reviews_remind_task() -> dict:
    """Beat, hourly: remind policy owners of review dates coming and passed. Safe to run twice."""
    return vars(policy_reviews_remind())


@shared_task(ignore_result=True)
def campaign_summaries_send_task() -> int:
    """Beat, every ten minutes: each open campaign's weekly summary to its named senior people,
    once its Monday 08:00 has come. Safe to run twice; sends each week's once."""
    return campaign_summaries_send()
