"""Asking people who have just joined to sign, without waiting for the sweep."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from declarations.models import Campaign


def campaigns_enrol_newcomers() -> None:
    """Queue enrolment for every campaign open now, so people a staff import has just added
    (or moved into a campaign's audience) are asked to sign at once, with their invitation
    email, rather than at the next declarations sweep.

    Registered as the portal's people-changed hook. Enrolment asks only those not yet asked,
    so this is safe to run at any time; the sweep still enrols anyone this misses (a broker
    that was down). Queued after commit, so the task sees the people it is for."""
    from declarations.tasks import campaign_enrol_task

    campaign_ids = list(
        Campaign.objects.filter(
            status=Campaign.Status.OPEN, opened_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for pk in campaign_ids:
        transaction.on_commit(partial(campaign_enrol_task.delay, pk))
