"""The clear-down parts of a group's page (groups/sections.py): what this person owes now, at the
top, and the history of the group's periods below the details. Each in a fixed number of
queries, whatever the number of periods or members."""

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from groups.access import is_dpo, runs
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold
from groups.selectors import open_prompted_cycles
from portal.access import AuthenticatedRequest

# The page shows the latest periods (a quarter at weekly clear-downs); the as-at-a-date page
# answers for any older one.
HISTORY_LIMIT = 12


def cleardown_owed_section(
    request: AuthenticatedRequest, group: ChatGroup
) -> tuple[str, dict[str, Any]] | None:
    """The buttons for what this person owes in the group's current period. Two queries."""
    cycle = open_prompted_cycles(timezone.now()).filter(group=group).order_by("-opens_at").first()
    if cycle is None:
        return None
    prompt = cycle.prompts.filter(user_id=request.user.pk, confirmed_at__isnull=True).first()
    to_post = cycle.prompt_posted_at is None and (
        request.user.pk == cycle.prompter_id or runs(request.user, group)
    )
    if prompt is None and not to_post:
        return None
    return (
        "groups/cleardowns/_owed_section.html",
        {"cycle": cycle, "prompt": prompt, "to_post": to_post},
    )


def _row(cycle: ClearDownCycle, now, viewer_id: int, show_names: bool) -> dict[str, Any]:
    prompts = list(cycle.prompts.all())
    confirmed = [p for p in prompts if p.confirmed_at is not None]
    mine = next((p for p in prompts if p.user_id == viewer_id), None)
    current = (
        cycle.outcome == ClearDownCycle.Outcome.PROMPTED
        and cycle.withdrawn_at is None
        and cycle.opens_at <= now < cycle.closes_at
    )
    return {
        "cycle": cycle,
        "asked": len(prompts),
        "confirmed_count": len(confirmed),
        "confirmed": sorted(confirmed, key=lambda p: (p.confirmed_at, p.pk)) if show_names else [],
        "mine": mine,
        "current": current,
        "owing": [p for p in prompts if p.confirmed_at is None] if current and show_names else [],
    }


def cleardown_history_section(
    request: AuthenticatedRequest, group: ChatGroup
) -> tuple[str, dict[str, Any]] | None:
    """The group's periods, newest first: prompted, confirmed by whom and when, missed (and
    why), skipped or withdrawn under a hold, and when the next opens (or why none will). The
    admin, deputy and DPO also see who has not yet confirmed in the current period. Three
    queries. Who confirmed, by name, is for those who run the group and the DPO; a member sees
    how many confirmed and their own confirmation (as their rates show only their own)."""
    cycles = list(
        group.cycles.select_related("hold", "prompter").prefetch_related(
            Prefetch("prompts", ClearDownPrompt.objects.select_related("user"))
        )[: HISTORY_LIMIT + 1]
    )
    if not cycles and group.status != ChatGroup.Status.APPROVED:
        return None
    now = timezone.now()
    show_names = runs(request.user, group) or is_dpo(request.user)
    return (
        "groups/cleardowns/_history_section.html",
        {
            "rows": [
                _row(cycle, now, request.user.pk, show_names) for cycle in cycles[:HISTORY_LIMIT]
            ],
            "show_names": show_names,
            "more": len(cycles) > HISTORY_LIMIT,
            "limit": HISTORY_LIMIT,
            **_next_period(group),
        },
    )


def _next_period(group: ChatGroup) -> dict[str, Any]:
    """When the next period opens, or why none will: only an approved group under no open hold
    is prompted (the sweep skips the others). One query, for an approved group."""
    if group.status == ChatGroup.Status.SUSPENDED:
        return {"no_period": "No clear-down period will open while the group is suspended."}
    if group.status == ChatGroup.Status.CLOSED:
        return {"no_period": "The group is closed: no more clear-down periods will open."}
    if group.status != ChatGroup.Status.APPROVED:
        return {"no_period": "No clear-down period will open until the group is approved."}
    hold = Hold.objects.open().filter(groups=group).order_by("pk").first()
    if hold is not None:
        return {
            "no_period": f"No clear-down period will open while the hold "
            f"{hold.get_kind_display().lower()} {hold.reference} is open: nothing may be "
            "deleted from the chat."
        }
    return {"next_cycle_at": group.next_cycle_at}
