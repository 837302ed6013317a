"""The incidents app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

An incident's pages answer by who the person is to it: its reporter (alice, the owner), the
handlers its kind is routed to (incidents/kinds.py), or nobody (404: they must not learn it
exists). `seen_by(kind, ...)` writes that rule once for every page.
"""

from datetime import timedelta

from django.utils import timezone

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


def scene(people: People) -> dict[str, dict]:
    lost_phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    return {"incidents:incident": {"pk": lost_phone.pk}, **_handling_scene(people)}


# ---- Handling: the queues, the timeline, the helpdesk's and Professional Standards' parts ---


def _a_wipe_half_an_hour_ago(scene) -> dict:
    when = timezone.localtime(timezone.now() - timedelta(minutes=30))
    return {"action": "wipe_requested", "done_at": when.strftime("%Y-%m-%dT%H:%M")}


def _handled(kind: Kind, form=None, **rule) -> Entry:
    """A POST-only page about alice's report of `kind`: 302 to its handlers (as `as_handler`
    when it is one part's), 403 to alice, 404 to everyone else."""
    return Entry(
        get=public(405),
        post=seen_by(kind, reporter=403, handler=302, **rule),
        form=form,
        model=Incident,
    )


def _role_queue(*roles: Role) -> Entry:
    return Entry(get=only(*roles, answer=200), post=public(405))


ROUTES.update(
    {
        "incidents:queue": _role_queue(Role.HELPDESK),
        # (The line manager's queue is the same page, open to anyone: test_queues.py.)
        "incidents:queue_helpdesk": _role_queue(Role.HELPDESK),
        "incidents:queue_dpo": _role_queue(Role.DPO, Role.DEPUTY_DPO),
        "incidents:queue_psd": _role_queue(Role.PSD),
        "incidents:queue_chief_executive": _role_queue(Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE),
        "incidents:note": _handled(Kind.LOST_DEVICE, lambda scene: {"text": "Called back."}),
        "incidents:message": _handled(Kind.LOST_DEVICE, lambda scene: {"text": "Any news?"}),
        "incidents:refer_to_dpo": _handled(
            Kind.INAPPROPRIATE_CONTENT, lambda scene: {"reason": "It names a victim."}
        ),
        "incidents:close": _handled(
            Kind.INAPPROPRIATE_CONTENT, lambda scene: {"note": "Words of advice given."}
        ),
        "incidents:helpdesk_action": _handled(
            Kind.LOST_DEVICE, _a_wipe_half_an_hour_ago, as_handler=Handler.HELPDESK
        ),
        "incidents:helpdesk_done": _handled(Kind.LOST_DEVICE, as_handler=Handler.HELPDESK),
        "incidents:psd_assessment": _handled(
            Kind.INAPPROPRIATE_CONTENT,
            lambda scene: {
                "outcome": "words_of_advice",
                "psd_reference": "PSD/2026/1",
                "reasons": "A first occurrence.",
            },
            as_handler=Handler.PSD,
        ),
        "incidents:timeline_csv": Entry(
            get=seen_by(Kind.LOST_DEVICE, reporter=403, handler=200),
            post=public(405),
            model=Incident,
        ),
        "incidents:timeline_print": Entry(
            get=seen_by(Kind.LOST_DEVICE, reporter=403, handler=200),
            post=public(405),
            model=Incident,
        ),
    }
)


def _handling_scene(people: People) -> dict[str, dict]:
    phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    content = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=people.owner)
    on_phone = {"pk": phone.pk}
    on_content = {"pk": content.pk}
    return {
        "incidents:queue": {"handler": "helpdesk"},
        "incidents:note": on_phone,
        "incidents:message": on_phone,
        "incidents:refer_to_dpo": on_content,
        "incidents:close": on_content,
        "incidents:helpdesk_action": on_phone,
        "incidents:helpdesk_done": on_phone,
        "incidents:psd_assessment": on_content,
        "incidents:timeline_csv": on_phone,
        "incidents:timeline_print": on_phone,
    }
