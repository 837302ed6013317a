"""What people record about a clear-down: a member confirms they cleared the chat (from the
emailed link or with a button in the portal), the prompter confirms they posted the prompt.

Each locks its cycle first: a hold being placed (cycles_withdraw_for_hold) updates the same row,
so a confirmation either commits before the withdrawal or sees the hold and records nothing.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold, Membership
from portal.lib.uktime import long_datetime
from portal.models import User
from portal.services.audit import audit_record


class ClearDownNotRecorded(Exception):
    """Nothing was recorded; the message says why, in words for the person."""


class ClearDownHeld(ClearDownNotRecorded):
    """The group is under a hold: nothing may be deleted from its chat."""

    def __init__(self, hold: Hold) -> None:
        if hold.released_at is not None:
            # The period was withdrawn under a hold since released: nothing to do until the
            # next clear-down, which asks again.
            message = (
                f"This period's clear-down was withdrawn under the hold "
                f"({hold.get_kind_display()} {hold.reference}), released on "
                f"{long_datetime(hold.released_at)}. You will be asked again at the next "
                "clear-down."
            )
        else:
            message = (
                f"This group is under a hold ({hold.get_kind_display()} {hold.reference}). "
                "Do not delete anything from the chat."
            )
        super().__init__(message)
        self.hold = hold


def _locked_cycle(cycle_id: int) -> ClearDownCycle:
    return (
        ClearDownCycle.objects.select_for_update(of=("self",))
        .select_related("group", "hold")
        .get(pk=cycle_id)
    )


def cycle_hold(cycle: ClearDownCycle) -> Hold | None:
    """The hold that stops this period's clear-down: a hold open on its group now (the one the
    period was skipped or withdrawn under, if still open), else the released hold it was
    withdrawn under. An open hold comes first: it is the one that says "do not delete"."""
    if cycle.hold is not None and cycle.hold.released_at is None:
        return cycle.hold
    return Hold.objects.open().filter(groups=cycle.group_id).order_by("pk").first() or cycle.hold


def group_refusal(group: ChatGroup) -> str:
    """Why nothing can be confirmed for `group` now ('' if it can): only an approved group has
    clear-downs; a suspended or closed one's period is over, whatever its end date."""
    if group.status == ChatGroup.Status.APPROVED:
        return ""
    return (
        f"The {group.name} group is {group.get_status_display().lower()}, so its clear-downs "
        "have stopped and there is nothing to confirm."
    )


def person_refusal(cycle: ClearDownCycle, person: User) -> str:
    """Why `person` may not confirm they cleared `cycle`'s chat ('' if they may): the link
    works without signing in, so it must not record anything for someone who has left the
    organisation or the group since they were asked. One query."""
    if not person.is_active:
        return "Your account is no longer active, so a clear-down cannot be recorded in your name."
    if not Membership.objects.current().filter(group_id=cycle.group_id, user_id=person.pk).exists():
        return (
            f"You are no longer a member of {cycle.group.name}, so there is no clear-down for "
            "you to confirm."
        )
    return ""


def _refuse_unless_open(cycle: ClearDownCycle, now: datetime) -> None:
    hold = cycle_hold(cycle)
    if hold is not None:
        raise ClearDownHeld(hold)
    if refusal := group_refusal(cycle.group):
        raise ClearDownNotRecorded(refusal)
    if cycle.outcome != ClearDownCycle.Outcome.PROMPTED:
        raise ClearDownNotRecorded("Nobody was asked to clear the chat in this period.")
    if now >= cycle.closes_at:
        raise ClearDownNotRecorded(
            f"This period ended on {long_datetime(cycle.closes_at)}: there is nothing to confirm."
        )


@transaction.atomic
def cleardown_confirm(
    *,
    prompt: ClearDownPrompt,
    by: User,
    via: str,
    ip: str | None = None,
    now: datetime | None = None,
) -> ClearDownPrompt:
    """Record that `by` cleared the chat in the prompt's period. Refused (ClearDownNotRecorded)
    for someone else's prompt, a held, suspended or closed group, a closed period, someone who
    has left the organisation or the group, or a second confirmation."""
    now = now or timezone.now()
    if by.pk != prompt.user_id:
        raise ClearDownNotRecorded("Only the person asked can confirm they cleared the chat.")
    cycle = _locked_cycle(prompt.cycle_id)
    _refuse_unless_open(cycle, now)
    if refusal := person_refusal(cycle, by):
        raise ClearDownNotRecorded(refusal)
    confirmed = ClearDownPrompt.objects.filter(pk=prompt.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_via=via
    )
    if not confirmed:
        prompt.refresh_from_db(fields=["confirmed_at", "confirmed_via"])
        assert prompt.confirmed_at is not None
        raise ClearDownNotRecorded(
            f"You already confirmed you cleared this chat, on {long_datetime(prompt.confirmed_at)}."
        )
    prompt.confirmed_at, prompt.confirmed_via, prompt.cycle = now, via, cycle
    audit_record(
        verb=GroupEvent.CLEARED,
        actor=by,
        obj=cycle.group,
        changes={"cycle": cycle.pk, "opens_at": cycle.opens_at.isoformat(), "via": via},
        ip=ip,
    )
    return prompt


@transaction.atomic
def cleardown_prompt_posted(
    *, cycle: ClearDownCycle, by: User, ip: str | None = None, now: datetime | None = None
) -> ClearDownCycle:
    """Record that `by` (the prompter, or whoever runs the group) posted the clear-down prompt in
    the chat. Refused for a held group, a closed period or a second confirmation."""
    now = now or timezone.now()
    cycle = _locked_cycle(cycle.pk)
    _refuse_unless_open(cycle, now)
    posted = ClearDownCycle.objects.filter(pk=cycle.pk, prompt_posted_at__isnull=True).update(
        prompt_posted_at=now
    )
    if not posted:
        assert cycle.prompt_posted_at is not None
        when = long_datetime(cycle.prompt_posted_at)
        raise ClearDownNotRecorded(f"The prompt was already confirmed as posted, on {when}.")
    cycle.prompt_posted_at = now
    audit_record(
        verb=GroupEvent.PROMPT_POSTED,
        actor=by,
        obj=cycle.group,
        changes={"cycle": cycle.pk, "opens_at": cycle.opens_at.isoformat()},
        ip=ip,
    )
    return cycle
