"""Who may see and do what with incidents: one helper per kind of object.

An incident the person may not see is a 404 (they must not learn it exists). The reporter (and
the colleague it was reported for) sees their report, its status and the messages to them, and
never the handlers' internal notes or the DPO's assessment: a handling page is a 403 to them.
A handler sees what is routed to their role (incidents/kinds.py), and the line manager the
reports routed to them. A page for a role is guarded by `access_required` with one of the tests
here, which answers 403; the menu shows each page by the same test.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents.kinds import HANDLER_ROLES, Handler
from incidents.models import (
    Attachment,
    ContainmentAction,
    Incident,
    TimelineEntry,
    TravelNotice,
)
from portal.access import AnyUser
from portal.models import User


def _holds(user: AnyUser, handler: Handler) -> bool:
    return user.is_authenticated and user.has_role(*HANDLER_ROLES[handler])


def is_helpdesk(user: AnyUser) -> bool:
    return _holds(user, Handler.HELPDESK)


def is_dpo(user: AnyUser) -> bool:
    """The data protection officer and deputy: triage and the breach register."""
    return _holds(user, Handler.DPO)


def is_psd(user: AnyUser) -> bool:
    return _holds(user, Handler.PSD)


def is_chief_executive(user: AnyUser) -> bool:
    """The Chief Executive and their delegate: content online about the organisation."""
    return _holds(user, Handler.CHIEF_EXECUTIVE)


def handler_roles(user: User, incident: Incident) -> frozenset[Handler]:
    """Which of the incident's handlers this person is (none: they only reported it).

    Nobody handles a report they made or that was made for them, whatever their roles: they
    would read the internal notes and the DPO's assessment of their own conduct. The one
    exception is a line manager who reported for a member of their team: the report is routed
    to them as that person's manager, and would otherwise reach nobody."""
    if user.pk == incident.reported_for_id:
        return frozenset()
    if user.pk == incident.reported_by_id:
        manager = incident.to_manager and incident.line_manager_id == user.pk
        return frozenset({Handler.LINE_MANAGER}) if manager else frozenset()
    held = {
        Handler.HELPDESK: incident.to_helpdesk and is_helpdesk(user),
        Handler.DPO: incident.to_dpo and is_dpo(user),
        Handler.PSD: incident.to_psd and is_psd(user),
        Handler.LINE_MANAGER: incident.to_manager and incident.line_manager_id == user.pk,
        Handler.CHIEF_EXECUTIVE: incident.to_chief_executive and is_chief_executive(user),
    }
    return frozenset(handler for handler, holds in held.items() if holds)


def handles(user: User, incident: Incident) -> bool:
    return bool(handler_roles(user, incident))


def is_own(user: User, incident: Incident) -> bool:
    return user.pk in (incident.reported_by_id, incident.reported_for_id)


def involved_in(user: User, incident: Incident) -> bool:
    """Reported it, or it was reported for them: nobody triages or judges their own report,
    however their roles would otherwise route it to them."""
    return is_own(user, incident)


def get_incident_for_user(user: User, pk: int) -> Incident:
    """An incident its reporter, the person it was reported for, and its handlers may open;
    anyone else: 404."""
    try:
        return (
            Incident.objects.visible_to(user)
            .select_related("reported_by", "reported_for", "line_manager", "closed_by")
            .get(pk=pk)
        )
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def get_incident_for_handler(user: User, pk: int, *handlers: Handler) -> Incident:
    """An incident this person handles (as one of `handlers`, or any when none is named).
    Its reporter, or a handler of another part: 403."""
    incident = get_incident_for_user(user, pk)
    roles = handler_roles(user, incident)
    if not roles or (handlers and not roles & set(handlers)):
        raise PermissionDenied
    return incident


def get_incident_for_helpdesk(user: User, pk: int) -> Incident:
    return get_incident_for_handler(user, pk, Handler.HELPDESK)


def get_incident_for_psd(user: User, pk: int) -> Incident:
    return get_incident_for_handler(user, pk, Handler.PSD)


def get_incident_for_dpo(user: User, pk: int) -> Incident:
    return get_incident_for_handler(user, pk, Handler.DPO)


def check_may_triage(user: User, incident: Incident) -> None:
    """A DPO who reported the incident, or had it reported for them, leaves it to another."""
    if involved_in(user, incident):
        raise PermissionDenied("Another DPO deals with an incident you are involved in.")


# The DPO's internal assessment on the timeline: the triage, the ICO decision and reports,
# telling the people affected, the actions, the lessons learned and the clocks' alerts about
# them. Only a DPO or deputy handling the incident reads them (may_see_assessment), not the
# other handlers (the helpdesk, a line manager who referred it to the DPO).
ASSESSMENT_KINDS = frozenset(
    {
        TimelineEntry.Kind.TRIAGE,
        TimelineEntry.Kind.ICO_REPORT,
        TimelineEntry.Kind.SUBJECTS_TOLD,
        TimelineEntry.Kind.ACTION,
        TimelineEntry.Kind.ALERT,
    }
)


def visible_timeline(user: User, incident: Incident):
    """The timeline entries this person may read: for a handler all of them, but the DPO's
    internal assessment only for a DPO or deputy handling it; for anyone else the ones not
    internal. The incident's timeline section, its CSV and its print all read this."""
    entries = TimelineEntry.objects.filter(incident=incident).select_related("by")
    if not handles(user, incident):
        return entries.filter(internal=False)
    if may_see_assessment(user, incident):
        return entries
    return entries.exclude(internal=True, kind__in=ASSESSMENT_KINDS)


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    """A file on an incident the person may see; anyone else: 404."""
    try:
        attachment = Attachment.objects.select_related("incident").get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404("No such file.") from None
    if not Incident.objects.visible_to(user).filter(pk=attachment.incident_id).exists():
        raise Http404("No such file.")
    return attachment


def get_travel_for_user(user: User, pk: int) -> TravelNotice:
    """A travel notice its traveller and the helpdesk may open; anyone else: 404."""
    try:
        notice = TravelNotice.objects.select_related("traveller").get(pk=pk)
    except TravelNotice.DoesNotExist:
        raise Http404("No such travel notice.") from None
    if notice.traveller_id != user.pk and not is_helpdesk(user):
        raise Http404("No such travel notice.")
    return notice


# ---- Reporting ---------------------------------------------------------------------------


def get_incident_for_reporter(user: User, pk: int) -> Incident:
    """An incident this person reported, or that was reported for them: its confirmation and
    adding to it. A handler who did not report it: 403; anyone else: 404."""
    incident = get_incident_for_user(user, pk)
    if not is_own(user, incident):
        raise PermissionDenied
    return incident


# ---- Triage (the DPO's assessment, the ICO draft, containment actions) -------------------


def get_incident_for_triage(user: User, pk: int) -> Incident:
    """An incident routed to the DPO, for a DPO or deputy who is not involved in it: outsiders
    404, its reporter and other parts' handlers 403, a DPO who reported it (or had it reported
    for them) 403 with the reason."""
    incident = get_incident_for_user(user, pk)
    # Before the handler check: handler_roles leaves out the people involved, so a DPO it
    # was reported by or for would otherwise get a bare 403 without the reason.
    if incident.to_dpo and is_dpo(user):
        check_may_triage(user, incident)
    if Handler.DPO not in handler_roles(user, incident):
        raise PermissionDenied
    return incident


def may_see_assessment(user: User, incident: Incident) -> bool:
    """Whether the incident's page shows this person the DPO's internal assessment: a DPO or
    deputy handling it (handler_roles already leaves out anyone involved in it). Never its
    reporter or another part."""
    return Handler.DPO in handler_roles(user, incident)


def get_action_for_done(user: User, pk: int) -> ContainmentAction:
    """An action its owner records as done, or a DPO or deputy handling its incident (a DPO
    involved in the incident: 403, as for triage); anyone else: 404. Another part's handler
    of the same incident is not let in."""
    try:
        action = ContainmentAction.objects.select_related("incident", "owner").get(pk=pk)
    except ContainmentAction.DoesNotExist:
        raise Http404("No such action.") from None
    if action.owner_id == user.pk:
        return action
    if action.incident.to_dpo and is_dpo(user):
        check_may_triage(user, action.incident)
        return action
    raise Http404("No such action.")


# ---- Handling: queues, the timeline, the helpdesk's and Professional Standards' parts ------

# Each handler's queue, by the name in its address.
QUEUE_HANDLERS: dict[str, Handler] = {
    "helpdesk": Handler.HELPDESK,
    "dpo": Handler.DPO,
    "psd": Handler.PSD,
    "manager": Handler.LINE_MANAGER,
    "chief-executive": Handler.CHIEF_EXECUTIVE,
}


def get_queue_for_user(user: User, slug: str) -> Handler:
    """The handler whose queue `slug` names: no such queue, 404; a person without its role,
    403. Anyone may open the line manager's queue: it lists what was routed to them alone,
    and says so when nothing was."""
    handler = QUEUE_HANDLERS.get(slug)
    if handler is None:
        raise Http404("No such queue.")
    if handler != Handler.LINE_MANAGER and not _holds(user, handler):
        raise PermissionDenied
    return handler


def may_close_here(user: User, incident: Incident) -> bool:
    """A handler closes an open incident whose handling is their part's alone; anything
    routed to the DPO is closed by the DPO from their assessment, and a content report once
    Professional Standards' assessment is recorded (one query then)."""
    if incident.is_closed or incident.to_dpo or not handles(user, incident):
        return False
    return not incident.to_psd or incident.psd_assessments.exists()
