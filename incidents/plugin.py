"""What the incidents app adds to the portal: registered once, from IncidentsConfig.ready()."""

from django.urls import reverse

from incidents import access, sections
from incidents.events import IncidentEmail, IncidentEvent
from incidents.triage_sections import assessment_section, ico_clock_section
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

    # ---- Triage: the DPO's ICO clock and assessment on the incident's page; the links in
    # the emails to action owners.
    sections.add(sections.TOP, ico_clock_section)
    sections.add(sections.MAIN, assessment_section)
    registry.register_link_labels({"incidents:my_actions": "See my actions"})
