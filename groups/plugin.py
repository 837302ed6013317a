"""What the chat-group register adds to the portal: registered once, from GroupsConfig.ready()."""

from django.urls import reverse

from groups import access, sections
from groups.events import GroupEmail, GroupEvent
from portal.access import is_signed_in
from portal.registry import MenuEntry, ObjectKind, registry


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
    _register_cleardowns()


def _register_cleardowns() -> None:
    from groups.views.cleardown_sections import cleardown_history_section, cleardown_owed_section

    sections.TOP.append(cleardown_owed_section)
    sections.MAIN.append(cleardown_history_section)
    registry.register_link_labels(
        {
            "groups:cleardown_link": "Confirm you cleared the chat",
            "groups:cleardowns_owed": "Clear-downs I owe",
        }
    )
