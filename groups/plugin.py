"""What the chat-group register adds to the portal: registered once, from GroupsConfig.ready()."""

from django.urls import reverse

from groups import access, sections
from groups.dashboard import (
    groups_panel,
    membership_section,
    memberships_for_person,
    rules_owed_section,
)
from groups.events import GroupEmail, GroupEvent
from groups.services.leavers import groups_remove_leaver
from portal.access import is_signed_in
from portal.registry import MenuEntry, ObjectKind, Panel, PersonSection, Section, registry


def _group_page(pk: str) -> str:
    return reverse("groups:group", args=[pk])


def register() -> None:
    registry.register_menu(MenuEntry("Chat groups", "groups:mine", is_signed_in, order=30))
    registry.register_audit_verbs(GroupEvent)
    registry.register_email_kinds(GroupEmail)
    registry.register_link_labels({"groups:group": "See the group"})
    # The trail links a group to its page, for the DPO (who may open every group's page).
    registry.register_object_kind(
        ObjectKind("groups.chatgroup", "Chat group", url=_group_page, allowed=access.is_dpo)
    )
    _register_members()


def _concern_page(pk: str) -> str:
    return reverse("groups:concern", args=[pk])


def _register_members() -> None:
    """Membership, leavers, reviews and concerns (the members part)."""
    registry.register_panel(Panel("groups", groups_panel, order=20))
    registry.register_person_section(PersonSection("Chat groups", memberships_for_person, order=20))
    # In user_deactivate's transaction: a leaver leaves every group at once.
    registry.register_leaver_hook(groups_remove_leaver)
    registry.register_menu(
        MenuEntry(
            "Chat group concerns",
            "groups:concerns",
            access.is_dpo,
            Section.ADMINISTRATION,
            order=40,
        )
    )
    registry.register_link_labels(
        {
            "groups:rules": "Read and acknowledge the group's rules",
            "groups:members": "See the group's members",
            "groups:admin_change": "Name a new admin",
            "groups:review": "Review the group",
            "groups:concern": "See the concern",
        }
    )
    registry.register_object_kind(
        ObjectKind("groups.concern", "Chat group concern", url=_concern_page, allowed=access.is_dpo)
    )
    # Registering twice changes nothing (ready() may run more than once).
    for part, into in (
        (rules_owed_section, sections.TOP),
        (membership_section, sections.MAIN),
    ):
        if part not in into:
            into.append(part)
