"""Thin Celery tasks for incidents: each calls a service and is safe to run twice. Each is
named after the service it runs, with `_task`."""

from celery import shared_task

from incidents.services.attachments import pending_uploads_sweep
from incidents.services.clocks import incident_clocks_sweep


@shared_task(ignore_result=True)
def incident_clocks_sweep_task() -> dict:
    """Beat, every five minutes: remind the DPO of incidents not yet triaged, alert them as a
    breach's ICO deadline nears and passes, remind owners of actions due. Each once; after an
    outage only the latest alert due for each incident."""
    return vars(incident_clocks_sweep())


@shared_task(ignore_result=True)
def pending_uploads_sweep_task() -> int:
    """Beat, hourly: files kept from a report form that failed, not used within a day, are
    deleted with their stored files."""
    return pending_uploads_sweep()
