"""What the incidents app adds to the portal: registered once, from IncidentsConfig.ready()."""

from django.db.backends.signals import connection_created
from django.urls import reverse

from incidents import access, sections
from incidents.demo import load_incidents_demo
from incidents.dpo_reports import sqlite_median
from incidents.events import IncidentEmail, IncidentEvent
from incidents.triage_sections import assessment_section, ico_clock_section
from incidents.views.handling_sections import (
    actions_section,
    helpdesk_section,
    psd_section,
    timeline_section,
)
from incidents.views.queues import team_panel
from incidents.views.report_sections import (
    add_information_section,
    attachments_section,
    reports_panel,
    still_to_do_section,
)
from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
    Panel,
    Section,
    registry,
)


def _page(url_name: str):
    """A link to one record's page, by its id, for the audit trail."""
    return lambda pk: reverse(f"incidents:{url_name}", args=[pk])


def register() -> None:
    registry.register_audit_verbs(IncidentEvent)
    registry.register_email_kinds(IncidentEmail)
    registry.register_demo_loader(DemoLoader("incidents", load_incidents_demo, order=30))
    registry.register_link_labels({"incidents:incident": "See the incident"})
    # The audit trail links an incident for the DPO, who reads the trail and handles breaches.
    registry.register_object_kind(
        ObjectKind("incidents.incident", "Incident", url=_page("incident"), allowed=access.is_dpo)
    )

    # ---- Travel abroad with a work device ----
    # A traveller starts from the dashboard's incidents panel; the helpdesk's list sits with
    # its queue.
    registry.register_menu(
        MenuEntry(
            "Upcoming travel",
            "incidents:travel_upcoming",
            access.is_helpdesk,
            Section.INCIDENT_QUEUES,
            order=20,
        ),
    )
    registry.register_link_labels({"incidents:travel": "See the travel notice"})
    # ---- Reporting: on the bar for everyone, first, because reporting at once matters most.
    # Reporting starts from the dashboard's incidents panel (its first, red button): the bar
    # is full at 1366 pixels for the DPO.
    registry.register_panel(Panel("incidents-reports", reports_panel, order=5))
    registry.register_link_labels(
        {
            "incidents:mine": "See your incident reports",
            "incidents:add_information": "Add to your report",
        }
    )
    sections.add(sections.TOP, still_to_do_section)
    sections.add(sections.MAIN, attachments_section)
    sections.add(sections.MAIN, add_information_section)
    # Register: the breach register and the DPO's figures, in the Data protection menu; the
    # figures' medians need MEDIAN on SQLite (the laptop default), added as each connection opens.
    registry.register_menu(
        MenuEntry(
            "Breach register",
            "incidents:breach_register",
            access.is_dpo,
            Section.DATA_PROTECTION,
            40,
        ),
        MenuEntry(
            "Incident figures", "incidents:dpo_reports", access.is_dpo, Section.DATA_PROTECTION, 41
        ),
    )
    connection_created.connect(sqlite_median, dispatch_uid="incidents.sqlite_median")
    # ---- Triage: the DPO's ICO clock and assessment on the incident's page; the links in
    # the emails to action owners.
    sections.add(sections.TOP, ico_clock_section)
    sections.add(sections.MAIN, assessment_section)
    registry.register_link_labels({"incidents:my_actions": "See my actions"})
    register_handling()


# ---- Handling: the queues, the timeline, the helpdesk's and Professional Standards' parts ---


def register_handling() -> None:
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
