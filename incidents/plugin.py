"""What the incidents app adds to the portal: registered once, from IncidentsConfig.ready()."""

from django.db.backends.signals import connection_created
from django.urls import reverse

from incidents import access
from incidents.dpo_reports import sqlite_median
from incidents.events import IncidentEmail, IncidentEvent
from portal.registry import MenuEntry, ObjectKind, Section, registry


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
