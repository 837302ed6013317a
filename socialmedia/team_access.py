"""Who may open the team, hand-over and closure pages (socialmedia/access.py says the rules:
404 to those who may not see the account, 403 to those who may see it but not do this)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.models import User
from socialmedia.access import get_account_for_user, is_decider, on_team, owns
from socialmedia.models import Account, HandOver, TeamMember


def get_account_for_team_page(user: User, pk: int) -> Account:
    """The team page: its owner and the deciders manage it; its team may look."""
    account = get_account_for_user(user, pk)
    if not (owns(user, account) or is_decider(user) or on_team(user, account)):
        raise PermissionDenied
    return account


def get_account_for_owner_or_decider(user: User, pk: int) -> Account:
    """An account its owner or a decider acts on (the team, closure)."""
    account = get_account_for_user(user, pk)
    if not (owns(user, account) or is_decider(user)):
        raise PermissionDenied
    return account


def get_team_member_for_manager(user: User, pk: int) -> TeamMember:
    """A team row of an account the person may see (else 404), for its owner or a decider."""
    try:
        member = TeamMember.objects.select_related("user", "account").get(pk=pk)
    except TeamMember.DoesNotExist:
        raise Http404("No such team member.") from None
    account = get_account_for_owner_or_decider(user, member.account_id)
    member.account = account
    return member


def get_handover_for_answer(user: User, pk: int) -> HandOver:
    """The hand-over waiting on account `pk`, for the person it is offered to; anyone else who
    may see the account: 403."""
    account = get_account_for_user(user, pk)
    handover = (
        HandOver.objects.filter(account=account, answered_at__isnull=True)
        .select_related("from_owner", "to_owner")
        .first()
    )
    if handover is None or handover.to_owner_id != user.pk:
        raise PermissionDenied
    handover.account = account
    return handover
