"""The parts of an incident's page, each built by the part of the app it belongs to.

A section is a function `(request, incident) -> (template, context)`, or None when it has
nothing to show this person (the reporter is shown no handler's section). `TOP` sections sit
above the report's details (what the person must still do, the ICO clock), `MAIN` ones below
(the timeline, the helpdesk's actions, the DPO's assessment). The page renders them in order,
each in a fixed number of queries, so the page's count does not grow with the incident.
"""

from collections.abc import Callable
from typing import Any

from incidents.models import Incident
from portal.access import AuthenticatedRequest

Section = Callable[[AuthenticatedRequest, Incident], tuple[str, dict[str, Any]] | None]

TOP: list[Section] = []
MAIN: list[Section] = []


def build(sections: list[Section], request: AuthenticatedRequest, incident: Incident) -> list:
    return [part for section in sections if (part := section(request, incident)) is not None]


def add(sections: list[Section], section: Section) -> None:
    """Add a section once: Django may run ready() more than once."""
    if section not in sections:
        sections.append(section)
