"""What a person's record (the People pages) shows of social media accounts, for the Chief
Executive and delegates only: the accounts they are or were on the team of, and every account
whose credentials they were shown. On a leaver's record this says which passwords they knew,
and so which must change."""

from typing import Any

from portal.access import AuthenticatedRequest
from portal.models import User
from socialmedia.access import is_decider
from socialmedia.models import Reveal, TeamMember

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
    reveals = list(
        Reveal.objects.filter(by=person, outcome=Reveal.Outcome.SHOWN)
        .select_related("account")
        .order_by("-at", "-pk")[:SHOWN]
    )
    return "socialmedia/_person_section.html", {
        "person": person,
        "teams": teams,
        "reveals": reveals,
        "more": SHOWN in (len(teams), len(reveals)),
    }
