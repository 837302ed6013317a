from django.http import HttpRequest

from declarations.access import is_policy_admin
from declarations.models import Obligation
from portal.models import User
from portal.registry import Fragment

SHOWN = 10


def declarations_for_person(request: HttpRequest, person: User) -> Fragment:
    """A person's page: the declarations they were asked to sign, latest first, and where each
    stands. One query; the obligation's own page is linked for policy administrators."""
    obligations = list(
        Obligation.objects.filter(user_id=person.pk)
        .select_related("campaign", "declaration")
        .order_by("-campaign__opens_at", "-pk")[: SHOWN + 1]
    )
    return "declarations/_person_section.html", {
        "obligations": obligations[:SHOWN],
        "more": len(obligations) > SHOWN,
        "link": is_policy_admin(request.user),
    }
