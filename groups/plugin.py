"""What the chat-group register adds to the portal: registered once, from GroupsConfig.ready()."""

from django.urls import reverse

from groups import access, sections
from groups.dashboard import (
    groups_panel,
    membership_section,
    memberships_for_person,
    rules_owed_section,
)
from groups.demo import load_groups_demo
from groups.events import GroupEmail, GroupEvent
from groups.holds_section import hold_section
from groups.registration_section import registration_section
from groups.services.leavers import groups_remove_leaver
from groups.views.cleardown_sections import cleardown_history_section, cleardown_owed_section
from groups.views.rates import rates_section
from portal.access import is_signed_in
from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
    Panel,
    PersonSection,
    Section,
    registry,
)


def _page(url_name: str):
    """A link to one record's page, by its id, for the audit trail."""
    return lambda pk: reverse(f"groups:{url_name}", args=[pk])


def register() -> None:
    registry.register_audit_verbs(GroupEvent)
    registry.register_email_kinds(GroupEmail)
    registry.register_demo_loader(DemoLoader("groups", load_groups_demo, order=20))
    registry.register_panel(Panel("groups", groups_panel, order=20))
    registry.register_person_section(PersonSection("Chat groups", memberships_for_person, order=20))
    # In user_deactivate's transaction: a leaver leaves every group at once.
    registry.register_leaver_hook(groups_remove_leaver)
    registry.register_menu(
        MenuEntry("Chat groups", "groups:mine", is_signed_in, order=30),
        *(
            MenuEntry(label, f"groups:{url_name}", access.is_dpo, Section.DATA_PROTECTION, order)
            for order, (label, url_name) in enumerate(
                (
                    ("Chat groups overview", "overview"),
                    ("Chat groups awaiting decision", "decisions"),
                    ("Chat group register", "register"),
                    ("Chat group holds", "holds"),
                    ("Chat group concerns", "concerns"),
                ),
                start=10,
            )
        ),
    )
    registry.register_link_labels(
        {
            "groups:group": "See the group",
            "groups:decide": "Read it and decide",
            "groups:hold_notice": "Read and acknowledge the notice",
            "groups:rules": "Read and acknowledge the group's rules",
            "groups:members": "See the group's members",
            "groups:admin_change": "Name a new admin",
            "groups:review": "Review the group",
            "groups:concern": "See the concern",
            "groups:cleardown_link": "Confirm you cleared the chat",
            "groups:cleardowns_owed": "Clear-downs I owe",
        }
    )
    # How the audit trail names these records and links them, for the DPO (who may open every
    # group's page); a notice is named without a link (its page is its person's alone).
    for model, noun, url_name in (
        ("groups.chatgroup", "Chat group", "group"),
        ("groups.hold", "Chat group hold", "hold"),
        ("groups.concern", "Chat group concern", "concern"),
    ):
        registry.register_object_kind(
            ObjectKind(model, noun, url=_page(url_name), allowed=access.is_dpo)
        )
    registry.register_object_kind(ObjectKind("groups.holdnotice", "Notice not to delete"))
    # A group's page: above its details, its status and the viewer's actions, a hold, and
    # what the person owes (the rules, this period's clear-down); below, its members and
    # concerns, its clear-down history and the confirmation rates.
    sections.add(sections.TOP, registration_section)
    sections.add(sections.TOP, hold_section)
    sections.add(sections.TOP, rules_owed_section)
    sections.add(sections.TOP, cleardown_owed_section)
    sections.add(sections.MAIN, membership_section)
    sections.add(sections.MAIN, cleardown_history_section)
    sections.add(sections.MAIN, rates_section)
