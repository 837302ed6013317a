"""What the portal itself registers, through the same registry the apps use (so the menu,
the demo and the dashboard have one mechanism, not a special case for the kernel)."""

from django.urls import reverse

from portal import access, retention
from portal.demo import load_foundation_demo
from portal.events import PortalEmail, PortalEvent
from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
    RetentionRule,
    Section,
    registry,
)


def register() -> None:
    registry.register_menu(
        MenuEntry("My compliance", "portal:dashboard", access.is_signed_in, order=0),
        MenuEntry("People", "portal:people", access.can_manage_people, Section.ADMINISTRATION),
        MenuEntry("Audit trail", "portal:audit", access.can_read_audit, Section.ADMINISTRATION),
        MenuEntry(
            "Organisation settings",
            "portal:organisation_settings",
            access.can_manage_organisation,
            Section.ADMINISTRATION,
        ),
        MenuEntry("Records holds", "portal:holds", access.can_manage_holds, Section.ADMINISTRATION),
        MenuEntry(
            "Django admin",
            "admin:index",
            access.can_use_django_admin,
            Section.ADMINISTRATION,
            order=900,
        ),
    )
    registry.register_audit_verbs(PortalEvent)
    registry.register_email_kinds(PortalEmail)
    # How the audit trail names these records, and where it links them.
    registry.register_object_kind(
        ObjectKind(
            "portal.user",
            "Person",
            url=lambda pk: reverse("portal:person", args=[pk]),
            allowed=access.can_manage_people,
        )
    )
    registry.register_object_kind(ObjectKind("portal.department", "Department"))
    registry.register_object_kind(
        ObjectKind(
            "portal.organisationsettings",
            "Organisation settings",
            url=lambda pk: reverse("portal:organisation_settings"),
            allowed=access.can_manage_organisation,
        )
    )
    registry.register_object_kind(
        ObjectKind(
            "portal.legalhold",
            "Records hold",
            url=lambda pk: reverse("portal:holds"),
            allowed=access.can_manage_holds,
        )
    )
    _register_retention()
    # The organisation, departments and people every other loader builds on: first.
    registry.register_demo_loader(DemoLoader("foundation", load_foundation_demo, order=0))


def _register_retention() -> None:
    registry.register_retention_rule(
        RetentionRule(
            retention.NOTIFICATIONS_KEY,
            "Emails and notifications the portal sent",
            default_months=72,
            model="portal.notification",
            due=retention._sent_messages,
            dispose=retention._dispose_messages,
            counted_from="after the message was written (only once it was sent or given up on)",
            order=50,
        )
    )
    registry.register_retention_rule(
        RetentionRule(
            retention.SIGN_INS_KEY,
            "The record of sign-ins (who signed in, from which address, when)",
            default_months=24,
            model="axes.accesslog",
            due=retention._sign_ins,
            dispose=retention._dispose_sign_ins,
            counted_from="after the sign-in",
            order=60,
        )
    )
    registry.register_retention_rule(
        RetentionRule(
            "portal.audit",
            "The audit trail",
            kept_because=(
                "It is the evidence of everything done in the portal, including every disposal. "
                "It can only be added to: the database refuses to change or delete it, and its "
                "sealed chain shows if anything was removed."
            ),
            order=900,
        )
    )
