"""Thin Celery tasks for declarations: take ids, call a service. Each is safe to run twice."""

from celery import shared_task

from declarations.models import Campaign
from declarations.services.campaigns import campaign_enrol


@shared_task(ignore_result=True)
def enrol_campaign(campaign_id: int) -> int:
    """Queued when a campaign opens: ask its whole audience, in bulk."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return campaign_enrol(campaign=campaign)


@shared_task(ignore_result=True)
def declarations_sweep() -> dict:
    """Beat, every five minutes: enrol newcomers, send reminders that have fallen due, escalate
    what is overdue. Safe to run twice, and catches up once after the scheduler was down."""
    from declarations.services.reminders import declarations_sweep as sweep

    return vars(sweep())
