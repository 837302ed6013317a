"""The incidents app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

An incident's pages answer by who the person is to it: its reporter (alice, the owner), the
handlers its kind is routed to (incidents/kinds.py), or nobody (404: they must not learn it
exists). `seen_by(kind, ...)` writes that rule once for every page.
"""

from incidents.kinds import HANDLER_ROLES, Handler, Kind, handlers_for
from incidents.models import Incident
from incidents.tests.factories import IncidentFactory
from portal.testing.route_table import (
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
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


def scene(people: People) -> dict[str, dict]:
    lost_phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    return {"incidents:incident": {"pk": lost_phone.pk}, **_triage_scene(people)}


# ---- Triage: the DPO's pages on an incident routed to them, the ICO draft, actions --------
# The DPO and deputy (not involved in the incident) use them; its reporter and the helpdesk,
# who also handle a lost phone, are refused with 403; anyone else 404.

from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from incidents.models import ContainmentAction  # noqa: E402
from incidents.tests.factories import (  # noqa: E402
    AssessmentFactory,
    ContainmentActionFactory,
    IcoReportFactory,
)
from portal.roles import Role  # noqa: E402
from portal.testing.route_table import everyone  # noqa: E402


def _dpo_page(answer: Answer) -> Rule:
    return seen_by(Kind.LOST_DEVICE, reporter=403, handler=answer, as_handler=Handler.DPO)


def _minutes_ago(minutes: int) -> str:
    return timezone.localtime(timezone.now() - timedelta(minutes=minutes)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def _owner_or_dpo(answer: Answer) -> Rule:
    """An action owned by alice on her own report: she and the DPO and deputy may record it
    done; anyone else must not learn it exists."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if persona.owner or persona.roles & {Role.DPO, Role.DEPUTY_DPO}:
            return answer
        return 404

    return rule


def _triage_form(scene) -> dict:
    return {
        "is_breach": "yes",
        "regime": "uk_gdpr",
        "aware_at": _minutes_ago(60),
        "likelihood": "possible",
        "severity": "significant",
        "risk": "",
        "risk_reasons": "The phone holds names and addresses of victims.",
    }


def _action_form(scene) -> dict:
    incident = Incident.objects.get(pk=scene["incidents:action_add"]["pk"])
    return {
        "description": "Ask the network team to block the phone's access.",
        "owner": incident.reported_by.email,
        "due_on": timezone.localdate().isoformat(),
    }


ROUTES.update(
    {
        "incidents:triage": Entry(
            get=_dpo_page(200), post=_dpo_page(302), form=_triage_form, model=Incident
        ),
        "incidents:ico_decision": Entry(
            get=_dpo_page(200),
            post=_dpo_page(302),
            form=lambda scene: {"notify": "yes", "reasons": "Victims' addresses are at risk."},
            model=Incident,
        ),
        "incidents:ico_report": Entry(
            get=_dpo_page(200),
            post=_dpo_page(302),
            form=lambda scene: {
                "sent_at": _minutes_ago(30),
                "ico_reference": "IC-123456-A1B2",
                "summary": "Initial report through the ICO's online form.",
            },
            model=Incident,
        ),
        "incidents:subjects_told": Entry(
            get=_dpo_page(200),
            post=_dpo_page(302),
            form=lambda scene: {"told": "no", "not_told_reasons": "The risk is not high."},
            model=Incident,
        ),
        "incidents:ico_details": Entry(
            get=_dpo_page(200),
            post=_dpo_page(302),
            form=lambda scene: {"how_found_out": "The officer reported it the same evening."},
            model=Incident,
        ),
        "incidents:ico_draft": Entry(get=_dpo_page(200), post=public(405), model=Incident),
        "incidents:action_add": Entry(
            get=_dpo_page(200), post=_dpo_page(302), form=_action_form, model=Incident
        ),
        "incidents:dpo_close": Entry(
            get=_dpo_page(200),
            post=_dpo_page(302),
            form=lambda scene: {
                "lessons_learned": "Remind staff not to leave phones unattended.",
                "note": "Reported to the ICO; the phone was wiped.",
            },
            model=Incident,
        ),
        "incidents:my_actions": Entry(get=everyone(200), post=public(405)),
        "incidents:action_done": Entry(
            get=_owner_or_dpo(200),
            post=_owner_or_dpo(302),
            form=lambda scene: {"outcome": "Blocked on the network."},
            model=ContainmentAction,
        ),
    }
)


def _triage_scene(people: People) -> dict[str, dict]:
    reported = timezone.now() - timedelta(hours=2)
    # Triaged as a breach, with the decision to tell the ICO and no report yet.
    open_breach = IncidentFactory(
        kind=Kind.LOST_DEVICE, reported_by=people.owner, reported_at=reported
    )
    AssessmentFactory(
        incident=open_breach,
        breach=True,
        notify_ico=True,
        notify_reasons="Victims' addresses.",
        notify_decided_at=reported,
        started_by=people.holding(Role.DPO),
    )
    # Everything recorded: ready to close.
    done = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner, reported_at=reported)
    AssessmentFactory(
        incident=done,
        breach=True,
        notify_ico=True,
        notify_reasons="Victims' addresses.",
        notify_decided_at=reported,
        ico_notified_at=reported + timedelta(hours=1),
        ico_reference="IC-000001",
        started_by=people.holding(Role.DPO),
    )
    IcoReportFactory(incident=done, sent_at=reported + timedelta(hours=1))
    action = ContainmentActionFactory(incident=open_breach, owner=people.owner)
    on_open = {"pk": open_breach.pk}
    return {
        "incidents:triage": on_open,
        "incidents:ico_decision": on_open,
        "incidents:ico_report": on_open,
        "incidents:subjects_told": on_open,
        "incidents:ico_details": on_open,
        "incidents:ico_draft": on_open,
        "incidents:action_add": on_open,
        "incidents:dpo_close": {"pk": done.pk},
        "incidents:action_done": {"pk": action.pk},
    }
