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
    from portal.registry import MenuEntry, Section

    for section in (helpdesk_section, psd_section, timeline_section, actions_section):
        sections.add(sections.MAIN, section)
    # Each role's queue, shown by the same test its page answers 403 by; a line manager's by
    # whether they have reports (loaded with the layout, so no query per page).
    registry.register_menu(
        MenuEntry("Helpdesk incidents", "incidents:queue_helpdesk", access.is_helpdesk, order=41),
        MenuEntry(
            "Incidents for the DPO",
            "incidents:queue_dpo",
            access.is_dpo,
            Section.DATA_PROTECTION,
            order=5,
        ),
        MenuEntry(
            "Professional Standards incidents", "incidents:queue_psd", access.is_psd, order=42
        ),
        MenuEntry(
            "Online content reports",
            "incidents:queue_chief_executive",
            access.is_chief_executive,
            order=43,
        ),
        MenuEntry(
            "My team's incident reports",
            "incidents:queue_manager",
            access.is_line_manager,
            order=44,
        ),
    )
