"""What the chat-group register adds to the portal: registered once, from GroupsConfig.ready()."""

from django.urls import reverse

from groups import access, sections
from groups.demo import load_groups_demo
from groups.events import GroupEmail, GroupEvent
from groups.holds_section import hold_section
from groups.views.rates import rates_section
from portal.access import is_signed_in
from portal.registry import DemoLoader, MenuEntry, ObjectKind, Section, registry


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
    # --- reports: the DPO's overview, the rates on a group's page, the demo ---
    # The overview belongs in the "Data protection" menu section (added by the register's part
    # at merge); ADMINISTRATION until then.
    registry.register_menu(
        MenuEntry("Chat groups overview", "groups:overview", access.is_dpo, Section.ADMINISTRATION)
    )
    if rates_section not in sections.MAIN:
        sections.MAIN.append(rates_section)
    registry.register_demo_loader(DemoLoader("groups", load_groups_demo, order=20))

    # Holds: the DPO's list, the banner at the top of a held group's page, and where the
    # notices' buttons and the trail's hold events lead.
    registry.register_menu(
        MenuEntry(
            "Chat group holds", "groups:holds", access.is_dpo, Section.ADMINISTRATION, order=40
        )
    )
    sections.TOP.append(hold_section)
    registry.register_link_labels({"groups:hold_notice": "Read and acknowledge the notice"})
    registry.register_object_kind(
        ObjectKind("groups.hold", "Chat group hold", url=_hold_page, allowed=access.is_dpo)
    )
    registry.register_object_kind(ObjectKind("groups.holdnotice", "Notice not to delete"))


def _hold_page(pk: str) -> str:
    return reverse("groups:hold", args=[pk])
