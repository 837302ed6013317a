"""The social media app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

The scene's account is alice's (the owner persona): she applied for it, owns it and is on its
team; bob (her line manager) is on its team too, so the team's answers are his. The Chief
Executive and the delegate see and act on every account; anyone else gets 404 (they must not
learn it exists). A permission request is alice's: hers and the deciders'.

Rules, written once for every page:
- `account_page(...)`: owner, team (bob), deciders, and others (404).
- `deciders(answer)`: the Chief Executive and delegate; owner and team 403; others 404.
"""

from portal.models import User
from portal.roles import Role
from portal.testing.route_table import (
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
    public,
)
from socialmedia.models import Account
from socialmedia.tests.factories import AccountFactory, CredentialFactory

DECIDERS = frozenset({Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE})


def is_decider(persona: Persona) -> bool:
    return bool(persona.roles & DECIDERS)


def account_page(
    *,
    owner: Answer,
    team: Answer | None = None,
    decider: Answer | None = None,
    others: Answer = 404,
) -> Rule:
    """A page about alice's account: the owner's answer; the team's (bob; the owner's answer
    unless given); the deciders' (the owner's unless given); everyone else's."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if is_decider(persona):
            return owner if decider is None else decider
        if persona.owner:
            return owner
        if persona.line_manager:
            return owner if team is None else team
        return others

    return rule


def deciders(answer: Answer, *, seen_by_others: bool = True) -> Rule:
    """A decider's page about alice's account or request: theirs; 403 to alice and her team
    (they may see the record), 404 to anyone else. With `seen_by_others=False` (a page not
    about one record, such as the register) everyone else signed in gets 403."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if is_decider(persona):
            return answer
        if persona.owner or persona.line_manager or not seen_by_others:
            return 403
        return 404

    return rule


ROUTES = {
    "socialmedia:account": Entry(get=account_page(owner=200), post=public(405), model=Account),
}


def bob(people: People) -> User:
    """Alice's line manager, on her account's team in every scene."""
    return next(
        person
        for persona, person in people.by_persona.items()
        if persona.line_manager and person is not None
    )


def alices_account(people: People, **fields) -> Account:
    """An active account of alice's with bob on its team and credentials registered. Each part
    makes its own in its scene, so that one part's POSTs never change another's record."""
    account = AccountFactory(applicant=people.owner, team=[bob(people)], **fields)
    CredentialFactory(account=account)
    return account


def scene(people: People) -> dict[str, dict]:
    return {
        "socialmedia:account": {"pk": alices_account(people).pk},
        # ---- Reviews and reminders ----
        **_reviews_scene(people),
    }


# ---- Reviews and reminders ----
from django.utils import timezone  # noqa: E402 (each part's own block)


def _reviews_scene(people: People) -> dict[str, dict]:
    """Alice's own account, its review due."""
    account = alices_account(people, review_due_at=timezone.now())
    return {"socialmedia:review": {"pk": account.pk}}


ROUTES |= {
    # The owner reviews; her team and the deciders may see the account but not review it.
    "socialmedia:review": Entry(
        get=account_page(owner=200, team=403, decider=403),
        post=account_page(owner=302, team=403, decider=403),
        form=lambda scene: {"accurate": "on", "links_back": "on", "team_right": "on"},
        model=Account,
    ),
}
