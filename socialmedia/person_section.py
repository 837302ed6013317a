"""What a person's record (the People pages) shows of social media accounts, for the Chief
Executive and delegates only: the accounts they are or were on the team of, and every account
whose credentials they were shown. On a leaver's record this says which passwords they knew,
and so which must change."""

from typing import Any

from django.db.models import Count, Max

from portal.access import AuthenticatedRequest
from portal.models import User
from socialmedia.access import is_decider
from socialmedia.models import Account, Reveal, TeamMember

# The latest rows of each list (the audit trail holds every one).
SHOWN = 50


def social_accounts_for_person(
    request: AuthenticatedRequest, person: User
) -> tuple[str, dict[str, Any]] | None:
    if not is_decider(request.user):
        return None
    teams = list(
        TeamMember.objects.filter(user=person)
        .select_related("account")
        .order_by("-added_at", "-pk")[:SHOWN]
    )
    # One row per account, however often it was shown: many showings of one account must not
    # push another off a leaver's record.
    shown = Account.objects.filter(
        reveals__by=person, reveals__outcome=Reveal.Outcome.SHOWN
    ).annotate(last_shown=Max("reveals__at"), times_shown=Count("reveals"))
    reveals = list(shown.order_by("-last_shown", "-pk")[:SHOWN])
    accounts_shown = shown.count() if len(reveals) == SHOWN else len(reveals)
    return "socialmedia/_person_section.html", {
        "person": person,
        "teams": teams,
        "more_teams": len(teams) == SHOWN,
        "reveals": reveals,
        "more_reveals": accounts_shown - len(reveals),
    }
