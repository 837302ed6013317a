"""What the portal itself registers, through the same registry the apps use (so the menu,
the demo and the dashboard have one mechanism, not a special case for the kernel)."""

from portal import access
from portal.demo import load_foundation_demo
from portal.events import PortalEvent
from portal.registry import DemoLoader, MenuEntry, Section, registry


def register() -> None:
    registry.register_menu(
        MenuEntry("My compliance", "portal:dashboard", access.is_signed_in, order=0),
        MenuEntry(
            "Staff import",
            "portal:staff_import",
            access.can_import_staff,
            Section.POLICY_ADMIN,
            order=40,
        ),
        MenuEntry("Audit trail", "portal:audit", access.can_read_audit, Section.ADMINISTRATION),
        MenuEntry(
            "Organisation settings",
            "portal:organisation_settings",
            access.can_manage_organisation,
            Section.ADMINISTRATION,
        ),
        MenuEntry(
            "Django admin",
            "admin:index",
            access.can_use_django_admin,
            Section.ADMINISTRATION,
            order=900,
        ),
    )
    registry.register_audit_verbs(PortalEvent)
    # The organisation, departments and people every other loader builds on: first.
    registry.register_demo_loader(DemoLoader("foundation", load_foundation_demo, order=0))
