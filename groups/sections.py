"""The parts of a group's page, each built by the part of the app it belongs to.

A section is a function `(request, group) -> (template, context)`, or None when it has nothing
to show this person; `TOP` sections sit above the group's details (a hold, what the person
owes), `MAIN` ones below them. The page renders them in order, each in a fixed number of
queries, so the page's count does not grow with the group.
"""

from collections.abc import Callable
from typing import Any

from groups.models import ChatGroup
from portal.access import AuthenticatedRequest

Section = Callable[[AuthenticatedRequest, ChatGroup], tuple[str, dict[str, Any]] | None]

TOP: list[Section] = []
MAIN: list[Section] = []


def build(sections: list[Section], request: AuthenticatedRequest, group: ChatGroup) -> list:
    return [part for section in sections if (part := section(request, group)) is not None]


def add(sections: list[Section], section: Section) -> None:
    """Add a section once: Django may run ready() more than once."""
    if section not in sections:
        sections.append(section)
