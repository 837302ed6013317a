"""What the staff import adds to the portal: registered once, from StaffImportConfig.ready()."""

from django.urls import reverse

from portal.registry import MenuEntry, ObjectKind, RetentionRule, Section, registry
from staffimport import access, retention
from staffimport.events import StaffImportEmail, StaffImportEvent


def register() -> None:
    registry.register_menu(
        MenuEntry(
            "Staff import",
            "staffimport:imports",
            access.can_import_staff,
            Section.POLICY_ADMIN,
            order=40,
        ),
        MenuEntry(
            "Staff changes to approve",
            "staffimport:held",
            access.can_decide_held_changes,
            Section.ADMINISTRATION,
            order=20,
        ),
    )
    registry.register_audit_verbs(StaffImportEvent)
    registry.register_email_kinds(StaffImportEmail)
    registry.register_link_labels({"staffimport:held": "Approve or refuse the held changes"})
    # Imports made before the staff import had an app of its own are recorded as portal's.
    for model in ("staffimport.staffimport", "portal.staffimport"):
        registry.register_object_kind(
            ObjectKind(
                model,
                "Staff import",
                url=lambda pk: reverse("staffimport:detail", args=[pk]),
                allowed=access.can_import_staff,
            )
        )
    registry.register_object_kind(ObjectKind("staffimport.heldchange", "Held staff change"))
    registry.register_retention_rule(
        RetentionRule(
            retention.KEY,
            "Staff import files from HR, and what they held",
            default_months=72,
            model="staffimport.staffimport",
            due=retention.due,
            dispose=retention.dispose,
            counted_from="after the file was uploaded, or last worked on",
            order=10,
        )
    )
