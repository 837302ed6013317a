"""What the incidents app adds to the portal: registered once, from IncidentsConfig.ready()."""

from django.urls import reverse

from incidents import access
from incidents.demo import load_incidents_demo
from incidents.events import IncidentEmail, IncidentEvent
from portal.access import is_signed_in
from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
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

    # ---- Travel abroad with a work device (part clocks) ----
    registry.register_menu(
        MenuEntry("Travel abroad with a device", "incidents:travel_mine", is_signed_in, order=45),
        MenuEntry("Upcoming travel", "incidents:travel_upcoming", access.is_helpdesk, order=46),
    )
    registry.register_link_labels({"incidents:travel": "See the travel notice"})
