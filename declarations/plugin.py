"""What annual declarations add to the portal: registered once, from DeclarationsConfig.ready()."""

from declarations import access
from declarations.dashboard import declarations_panel
from declarations.demo import load_declarations_demo
from declarations.events import DeclarationEvent
from portal.access import is_signed_in
from portal.registry import DemoLoader, MenuEntry, Panel, Section, registry


def register() -> None:
    registry.register_panel(Panel("declarations", declarations_panel, order=10))
    registry.register_menu(
        MenuEntry("Policies", "declarations:policies", is_signed_in, order=10),
        MenuEntry("My team", "declarations:my_team", access.can_see_my_team, order=20),
        MenuEntry(
            "Campaigns",
            "declarations:campaigns",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=10,
        ),
        MenuEntry(
            "Policy versions",
            "declarations:admin_policies",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=20,
        ),
        MenuEntry(
            "Compliance reports",
            "declarations:reports",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=30,
        ),
    )
    registry.register_audit_verbs(DeclarationEvent)
    registry.register_demo_loader(DemoLoader("declarations", load_declarations_demo, order=10))
