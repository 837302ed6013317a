"""What the incidents app adds to the portal: registered once, from IncidentsConfig.ready()."""

from django.urls import reverse

from incidents import access
from incidents.events import IncidentEmail, IncidentEvent
from portal.registry import ObjectKind, registry


def _page(url_name: str):
    """A link to one record's page, by its id, for the audit trail."""
    return lambda pk: reverse(f"incidents:{url_name}", args=[pk])


def register() -> None:
    registry.register_audit_verbs(IncidentEvent)
    registry.register_email_kinds(IncidentEmail)
    registry.register_link_labels({"incidents:incident": "See the incident"})
    # The audit trail links an incident for the DPO, who reads the trail and handles breaches.
    registry.register_object_kind(
        ObjectKind("incidents.incident", "Incident", url=_page("incident"), allowed=access.is_dpo)
    )
    register_handling()


# ---- Handling: the queues, the timeline, the helpdesk's and Professional Standards' parts ---


def register_handling() -> None:
    from incidents import sections
    from incidents.views.handling_sections import (
        actions_section,
        helpdesk_section,
        psd_section,
        timeline_section,
    )
    from incidents.views.queues import team_panel
    from portal.registry import MenuEntry, Panel, Section

    for section in (helpdesk_section, psd_section, timeline_section, actions_section):
        sections.add(sections.MAIN, section)
    # Each role's queue, shown by the same test its page answers 403 by. The line manager's
    # queue is open to anyone (it says when nothing was routed to them): the dashboard links
    # it for those with reports waiting, rather than a menu entry their page would not match.
    registry.register_menu(
        MenuEntry(
            "Incidents for the DPO",
            "incidents:queue_dpo",
            access.is_dpo,
            Section.DATA_PROTECTION,
            order=5,
        ),
        *(
            MenuEntry(label, f"incidents:queue_{name}", allowed, Section.INCIDENT_QUEUES, order)
            for order, (label, name, allowed) in enumerate(
                (
                    ("Helpdesk incidents", "helpdesk", access.is_helpdesk),
                    ("Professional Standards incidents", "psd", access.is_psd),
                    ("Online content reports", "chief_executive", access.is_chief_executive),
                ),
                start=10,
            )
        ),
    )
    registry.register_panel(Panel("incidents_team", team_panel, order=45))
