"""The incidents app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

An incident's pages answer by who the person is to it: its reporter (alice, the owner), the
handlers its kind is routed to (incidents/kinds.py), or nobody (404: they must not learn it
exists). `seen_by(kind, ...)` writes that rule once for every page.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incidents.kinds import HANDLER_ROLES, Handler, Kind, handlers_for
from incidents.models import Attachment, ContainmentAction, Incident, TravelNotice
from incidents.tests.factories import (
    AssessmentFactory,
    AttachmentFactory,
    ContainmentActionFactory,
    IcoReportFactory,
    IncidentFactory,
    PsdAssessmentFactory,
    TravelNoticeFactory,
)
from portal.roles import Role
from portal.testing.route_table import (
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
    either,
    everyone,
    only,
    owner_only,
    public,
)
from portal.testing.uploads import png_bytes


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


# ---- Travel abroad with a work device ----
# Alice told Information Security of a trip: hers and the helpdesk's; anyone else gets 404.
_traveller_or_helpdesk = either(
    owner_only(200), only(Role.HELPDESK, answer=200, others=404), unless=404
)

CLOCKS_ROUTES = {
    "incidents:travel_mine": Entry(get=everyone(200), post=public(405)),
    "incidents:travel_new": Entry(
        get=everyone(200),
        post=everyone(302),
        form=lambda s: {
            "destination": "Lyon, France",
            "departs_on": s["travel_departs_on"],
            "returns_on": s["travel_returns_on"],
            "devices": "Work laptop",
        },
    ),
    "incidents:travel_upcoming": Entry(get=only(Role.HELPDESK, answer=200), post=public(405)),
    "incidents:travel": Entry(get=_traveller_or_helpdesk, post=public(405), model=TravelNotice),
    # Only the helpdesk advises (alice on her own trip: 403).
    "incidents:travel_advice": Entry(
        get=public(405),
        post=only(Role.HELPDESK, answer=302),
        form=lambda s: {"advice": "Take the loan laptop; leave your own at home."},
        model=TravelNotice,
    ),
}
ROUTES.update(CLOCKS_ROUTES)


def _clocks_scene(people: People) -> dict:
    notice = TravelNoticeFactory(traveller=people.owner)
    departs = timezone.localdate() + timedelta(days=30)
    return {
        "travel_departs_on": departs.isoformat(),
        "travel_returns_on": (departs + timedelta(days=3)).isoformat(),
        "incidents:travel": {"pk": notice.pk},
        "incidents:travel_advice": {"pk": notice.pk},
    }


# ---- Reporting ---------------------------------------------------------------------------


def _report_form(scene) -> dict:
    """A valid report of a lost phone, with a photo (sent as a multipart upload)."""
    now = timezone.localtime()
    return {
        "kind": Kind.LOST_DEVICE,
        "happened_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Left my work phone on the train.",
        "device_type": "phone",
        "encrypted": "yes",
        "locked": "yes",
        "password_with_device": "no",
        "attachments": [SimpleUploadedFile("train.png", png_bytes(), content_type="image/png")],
    }


ROUTES |= {
    "incidents:report": Entry(
        get=everyone(200), post=everyone(302), form=_report_form, model=Incident, multipart=True
    ),
    "incidents:mine": Entry(get=everyone(200), post=public(405)),
    # The confirmation and adding to a report are the reporter's: a handler may see the report
    # but not act as its reporter (403); anyone else must not learn it exists (404).
    "incidents:reported": Entry(
        get=seen_by(Kind.LOST_DEVICE, reporter=200, handler=403),
        post=public(405),
        model=Incident,
    ),
    "incidents:add_information": Entry(
        get=seen_by(Kind.LOST_DEVICE, reporter=200, handler=403),
        post=seen_by(Kind.LOST_DEVICE, reporter=302, handler=403),
        form=lambda scene: {"text": "The phone was in a blue case."},
        model=Incident,
    ),
    "incidents:attachment": Entry(
        get=seen_by(Kind.LOST_DEVICE, reporter=200, handler=200),
        post=public(405),
        model=Attachment,
    ),
}


def _report_scene(people: People) -> dict[str, dict]:
    lost_phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    photo = AttachmentFactory(incident=lost_phone)
    return {
        "incidents:reported": {"pk": lost_phone.pk},
        "incidents:add_information": {"pk": lost_phone.pk},
        "incidents:attachment": {"pk": photo.pk},
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
    return {
        "incidents:incident": {"pk": lost_phone.pk},
        **_clocks_scene(people),
        **_report_scene(people),
        **_register_scene(people),
        **_triage_scene(people),
        **_handling_scene(people),
    }


# ---- Triage: the DPO's pages on an incident routed to them, the ICO draft, actions --------
# The DPO and deputy (not involved in the incident) use them; its reporter and the helpdesk,
# who also handle a lost phone, are refused with 403; anyone else 404.


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
        "version": _assessment_version(scene["incidents:triage"]["pk"]),
    }


def _assessment_version(pk: int) -> str:
    """The hidden version the triage and details forms carry (what the page would show)."""
    from incidents.models import Assessment
    from incidents.services.triage import version_of

    return version_of(Assessment.objects.filter(incident_id=pk).first())


def _action_form(scene) -> dict:
    incident = Incident.objects.get(pk=scene["incidents:action_add"]["pk"])
    return {
        "description": "Ask the network team to block the phone's access.",
        "owner": incident.reported_by.email,
        "due_on": timezone.localdate().isoformat(),
    }


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
            form=lambda scene: {
                "how_found_out": "The officer reported it the same evening.",
                "version": _assessment_version(scene["incidents:ico_details"]["pk"]),
            },
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


def _handling_scene(people: People) -> dict[str, dict]:
    phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=people.owner)
    content = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=people.owner)
    # Professional Standards close a content report once their assessment is recorded.
    assessed = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=people.owner)
    PsdAssessmentFactory(incident=assessed, recorded_by=people.holding(Role.PSD))
    on_phone = {"pk": phone.pk}
    on_content = {"pk": content.pk}
    return {
        "incidents:queue": {"handler": "helpdesk"},
        "incidents:note": on_phone,
        "incidents:message": on_phone,
        "incidents:refer_to_dpo": on_content,
        "incidents:close": {"pk": assessed.pk},
        "incidents:helpdesk_action": on_phone,
        "incidents:helpdesk_done": on_phone,
        "incidents:psd_assessment": on_content,
        "incidents:timeline_csv": on_phone,
        "incidents:timeline_print": on_phone,
    }
