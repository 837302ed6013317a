"""Hand-overs withdrawn as a side effect of another change (the person offered the account is
taken off its team or leaves, a new owner is named, the account closes). Each is recorded
like an owner's own withdrawal, with why, and the person it was offered to is told, so an offer
never just disappears from their page."""

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse

from portal.models import User
from portal.services.audit import AuditDraft, audit_record_many
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import HandOver
from socialmedia.outbox import handover_withdrawn_key

TAKEN_OFF = "taken off the team"
NEW_OWNER = "a new owner was named"
CLOSED = "the account closed"


def handovers_withdraw(
    handovers: QuerySet[HandOver], *, why: str, at: datetime, by: User | None
) -> list[HandOver]:
    """Withdraw the open ones among `handovers`. Called inside the transaction of the change,
    after it has locked the accounts. The same queries however many are withdrawn; none beyond
    the first when there are none."""
    withdrawn = list(
        handovers.filter(answered_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("account", "from_owner", "to_owner")
        .order_by("pk")
    )
    if not withdrawn:
        return []
    HandOver.objects.filter(pk__in=[h.pk for h in withdrawn]).update(
        answered_at=at, outcome=HandOver.Outcome.WITHDRAWN
    )
    for handover in withdrawn:
        handover.answered_at, handover.outcome = at, HandOver.Outcome.WITHDRAWN
    audit_record_many(
        drafts=[
            AuditDraft(
                SocialEvent.HANDOVER_WITHDRAWN,
                actor=by,
                obj=handover.account,
                changes={
                    "handover": handover.pk,
                    "proposed_owner": handover.to_owner.email,
                    "why": why,
                },
            )
            for handover in withdrawn
        ]
    )
    # A leaver is not written to: they can no longer sign in to see it.
    notifications_queue_many(
        messages=[
            Message(
                to=handover.to_owner,
                template=SocialEmail.HANDOVER_WITHDRAWN,
                dedup_key=handover_withdrawn_key(handover.pk, handover.to_owner),
                url=reverse("socialmedia:account", args=[handover.account_id]),
                context={"account": handover.account, "handover": handover, "why": why},
            )
            for handover in withdrawn
            if handover.to_owner.is_active
        ]
    )
    return withdrawn
