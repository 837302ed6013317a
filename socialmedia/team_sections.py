"""What the team, hand-over and closure part adds to an account's page (socialmedia/sections.py):
above the details, what someone must do now (answer a hand-over, close an account the Chief
Executive ordered closed, put right a suspended one, name a new owner); below them, the team and
the actions open to the person. Each in a fixed number of queries."""

from typing import Any

from portal.access import AuthenticatedRequest
from socialmedia.access import is_decider, owns
from socialmedia.models import Account, HandOver, TeamMember
from socialmedia.services.leavers import needs_new_owner
from socialmedia.services.lifecycle import decider_may_close, open_closure_order
from socialmedia.services.team import TEAM_KEPT

Part = tuple[str, dict[str, Any]] | None


def handover_section(request: AuthenticatedRequest, account: Account) -> Part:
    """An offer waiting: the person offered it answers here; the owner sees it waiting."""
    if not account.is_running:
        return None
    user = request.user
    offer = (
        HandOver.objects.filter(account=account, answered_at__isnull=True)
        .select_related("from_owner", "to_owner")
        .first()
    )
    if offer is None or user.pk not in (offer.to_owner_id, account.owner_id):
        return None
    return "socialmedia/team/_section_handover.html", {
        "offer": offer,
        "for_me": offer.to_owner_id == user.pk,
    }


def standing_section(request: AuthenticatedRequest, account: Account) -> Part:
    """Suspended, ordered closed, or owner gone: for the owner, the team and the deciders."""
    if account.status not in TEAM_KEPT:
        return None
    order = open_closure_order(account)
    ordered_closed = order is not None
    needs_owner = needs_new_owner(account)
    suspended = account.status == Account.Status.SUSPENDED
    if not (ordered_closed or needs_owner or suspended):
        return None
    return "socialmedia/team/_section_standing.html", {
        "order": order,
        "ordered_closed": ordered_closed,
        "suspended": suspended,
        "needs_owner": needs_owner,
        "is_owner": owns(request.user, account),
        "is_decider": is_decider(request.user),
    }


def team_section(request: AuthenticatedRequest, account: Account) -> Part:
    if account.status not in TEAM_KEPT and account.status != Account.Status.CLOSED:
        return None
    current = list(
        TeamMember.objects.current()
        .filter(account=account)
        .select_related("user")
        .order_by("added_at", "pk")
    )
    return "socialmedia/team/_section_team.html", {"current": current}


def actions_section(request: AuthenticatedRequest, account: Account) -> Part:
    is_owner, decides = owns(request.user, account), is_decider(request.user)
    if not account.is_running or not (is_owner or decides):
        return None
    return "socialmedia/team/_section_actions.html", {
        "is_owner": is_owner,
        "is_decider": decides,
        "suspended": account.status == Account.Status.SUSPENDED,
        "may_close": is_owner or decider_may_close(account),
    }
