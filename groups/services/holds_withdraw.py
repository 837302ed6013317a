"""Withdrawing the clear-down prompt a hold has overtaken.

A hold placed after a period's prompt went out, but before the period closed, must stop that
clear-down too: the members may not have cleared yet, and from now on they must not. The
period keeps its prompt (it was sent) and records the hold that withdrew it and when, so the
group's history says why that clear-down was not completed.

Written minimally by the holds part; the clear-down part (cycles) owns this service, and its
version replaces this one when the two are merged.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from groups.models import ChatGroup, ClearDownCycle, Hold


@transaction.atomic
def cycles_withdraw_for_hold(*, hold: Hold, groups: Iterable[ChatGroup], now: datetime) -> int:
    """Mark the open, prompted periods of `groups` (opened, not yet closed, not already
    withdrawn) as withdrawn by `hold` at `now`. One conditional UPDATE; returns how many."""
    return ClearDownCycle.objects.filter(
        group__in=[group.pk for group in groups],
        outcome=ClearDownCycle.Outcome.PROMPTED,
        opens_at__lte=now,
        closes_at__gt=now,
        withdrawn_at__isnull=True,
    ).update(hold=hold, withdrawn_at=now)
