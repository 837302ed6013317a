"""The incidents app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

An incident's pages answer by who the person is to it: its reporter (alice, the owner), the
handlers its kind is routed to (incidents/kinds.py), or nobody (404: they must not learn it
exists). `seen_by(kind, ...)` writes that rule once for every page.
"""

from incidents.kinds import HANDLER_ROLES, Handler, Kind, handlers_for
from incidents.models import Incident
from incidents.tests.factories import IncidentFactory
from portal.roles import Role
from portal.testing.route_table import (
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
    only,
    public,
)


def _handles(persona: Persona, kind: Kind, handler: Handler | None = None) -> bool:
    """Whether the persona handles alice's report of this kind (as `handler`, when named).
    Alice has a line manager (bob), so her reports reach him when their kind goes to managers."""
    handlers = handlers_for(kind, has_line_manager=True)
    if handler is not None:
        handlers = handlers & {handler}
    if persona.line_manager and Handler.LINE_MANAGER in handlers:
        return True
    return any(persona.roles & set(HANDLER_ROLES[h]) for h in handlers)


def seen_by(
    kind: Kind,
    *,
    reporter: Answer,
    handler: Answer,
    as_handler: Handler | None = None,
    others: Answer = 404,
) -> Rule:
    """A page about alice's report of `kind`: her answer, its handlers' (as `as_handler` when
    the page is one part's: another part's handler is refused with 403), everyone else's."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if _handles(persona, kind, as_handler):
            return handler
        if persona.owner:
            return reporter
        if as_handler is not None and _handles(persona, kind):
            return 403
        return others

    return rule


ROUTES = {
    "incidents:incident": Entry(
        get=seen_by(Kind.LOST_DEVICE, reporter=200, handler=200),
        post=public(405),
        model=Incident,
    ),
}


# ---- Register: the breach register, its export and the DPO's figures: the DPO and deputy
# only (everyone else 403); read only, so a POST is not allowed to anyone.
_DPO_ONLY = only(Role.DPO, Role.DEPUTY_DPO, answer=200)
ROUTES.update(
    {
        "incidents:breach_register": Entry(get=_DPO_ONLY, post=public(405)),
        "incidents:breach_register_csv": Entry(get=_DPO_ONLY, post=public(405)),
        "incidents:dpo_reports": Entry(get=_DPO_ONLY, post=public(405)),
    }
)


def _register_scene(people: People) -> dict[str, dict]:
    """A breach on the register (alice's email to the wrong person, told to the ICO), so the
    register and its export have a row to show."""
    from incidents.tests.factories import AssessmentFactory, IcoReportFactory

    emailed = IncidentFactory(
        kind=Kind.DATA_BREACH,
        reported_by=people.owner,
        description="Sent a victim's statement to the wrong address.",
    )
    dpo = people.holding(Role.DPO)
    report = IcoReportFactory(incident=emailed, recorded_by=dpo)
    AssessmentFactory(
        incident=emailed,
        breach=True,
        started_by=dpo,
        notify_ico=True,
        notify_decided_at=emailed.reported_at,
        notify_decided_by=dpo,
        ico_reference=report.ico_reference,
        ico_notified_at=report.sent_at,
    )
    return {}


def scene(people: People) -> dict[str, dict]:
    lost_phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    return {"incidents:incident": {"pk": lost_phone.pk}, **_register_scene(people)}
