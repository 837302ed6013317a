"""The parts of an account's page, each built by the part of the app it belongs to.

A section is a function `(request, account) -> (template, context)`, or None when it has nothing
to show this person (a team member sees no Chief Executive's section). `TOP` sections sit above
the account's details (what the person must do now: a password change due, a review, a
hand-over to accept), `MAIN` ones below (the decisions, the team, the credentials, the reviews).
The page renders them in order, each in a fixed number of queries, so the page's count does not
grow with the account's history.
"""

from collections.abc import Callable
from typing import Any

from portal.access import AuthenticatedRequest
from socialmedia.models import Account

Section = Callable[[AuthenticatedRequest, Account], tuple[str, dict[str, Any]] | None]

TOP: list[Section] = []
MAIN: list[Section] = []


def build(sections: list[Section], request: AuthenticatedRequest, account: Account) -> list:
    return [part for section in sections if (part := section(request, account)) is not None]


def add(sections: list[Section], section: Section) -> None:
    """Add a section once: Django may run ready() more than once."""
    if section not in sections:
        sections.append(section)
