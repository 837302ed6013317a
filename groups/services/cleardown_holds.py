"""Withdrawing clear-down prompts when a hold is placed. The holds part calls this from its
service that places a hold, in the same transaction, for the groups the hold covers."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold
from portal.models import User
from portal.services.audit import audit_record


@transaction.atomic
def cycles_withdraw_for_hold(
    *,
    hold: Hold,
    groups: Iterable[ChatGroup],
    now: datetime | None = None,
    by: User | None = None,
    ip: str | None = None,
) -> list[int]:
    """Mark the open prompted periods of `groups` that someone has still to confirm with `hold`
    and `withdrawn_at`: their links then explain the hold, no follow-up is sent, and the group's
    page says the prompt was withdrawn. Confirmations already made stay on the record. Returns
    the ids of the cycles withdrawn (none twice: a withdrawn cycle is not withdrawn again)."""
    now = now or timezone.now()
    owed = ClearDownPrompt.objects.filter(cycle=OuterRef("pk"), confirmed_at__isnull=True)
    open_cycles = ClearDownCycle.objects.filter(
        group__in=[g.pk for g in groups],
        outcome=ClearDownCycle.Outcome.PROMPTED,
        withdrawn_at__isnull=True,
        hold__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
    ).filter(Exists(owed))
    # Locked, so a confirmation in flight finishes first or sees the hold (it locks the cycle).
    ids = list(open_cycles.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return []
    ClearDownCycle.objects.filter(pk__in=ids, withdrawn_at__isnull=True).update(
        hold=hold, withdrawn_at=now
    )
    audit_record(
        verb=GroupEvent.CYCLES_WITHDRAWN,
        actor=by or hold.placed_by,
        obj=hold,
        changes={"cycles": ids, "hold": hold.reference},
        ip=ip,
    )
    return ids
