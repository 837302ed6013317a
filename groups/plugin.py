"""What the chat-group register adds to the portal: registered once, from GroupsConfig.ready()."""

from django.urls import reverse

from groups import access, sections
from groups.events import GroupEmail, GroupEvent
from groups.registration_section import registration_section
from portal.access import is_signed_in
from portal.registry import MenuEntry, ObjectKind, Section, registry


def _group_page(pk: str) -> str:
    return reverse("groups:group", args=[pk])


def register() -> None:
    registry.register_menu(MenuEntry("Chat groups", "groups:mine", is_signed_in, order=30))
    # The DPO's register and decisions (reg).
    registry.register_menu(
        MenuEntry(
            "Chat groups awaiting decision",
            "groups:decisions",
            access.is_dpo,
            section=Section.DATA_PROTECTION,
            order=10,
        ),
        MenuEntry(
            "Chat group register",
            "groups:register",
            access.is_dpo,
            section=Section.DATA_PROTECTION,
            order=11,
        ),
    )
    # The registration's banner and actions sit first on a group's page (reg).
    if registration_section not in sections.TOP:
        sections.TOP.insert(0, registration_section)
    registry.register_audit_verbs(GroupEvent)
    registry.register_email_kinds(GroupEmail)
    registry.register_link_labels({"groups:group": "See the group"})
    registry.register_link_labels({"groups:decide": "Read it and decide"})  # (reg)
    # The trail links a group to its page, for the DPO (who may open every group's page).
    registry.register_object_kind(
        ObjectKind("groups.chatgroup", "Chat group", url=_group_page, allowed=access.is_dpo)
    )
