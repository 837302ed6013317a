"""What the social media app adds to the portal: registered once, from SocialMediaConfig.ready().
Each part registers its own in its marked block."""

from django.urls import reverse

from portal.registry import ObjectKind, registry
from socialmedia import access
from socialmedia.events import SocialEmail, SocialEvent


def _page(url_name: str):
    """A link to one record's page, by its id, for the audit trail."""
    return lambda pk: reverse(f"socialmedia:{url_name}", args=[pk])


def register() -> None:
    registry.register_audit_verbs(SocialEvent)
    registry.register_email_kinds(SocialEmail)
    registry.register_link_labels({"socialmedia:account": "See the account"})
    # The audit trail links an account for the Chief Executive, who reads the trail.
    registry.register_object_kind(
        ObjectKind(
            "socialmedia.account",
            "Social media account",
            url=_page("account"),
            allowed=access.is_decider,
        )
    )
    # ---- Applications and decisions ----
    from portal.registry import MenuEntry, Panel, Section
    from socialmedia import sections
    from socialmedia.views.application_sections import changes_asked_section, decisions_section
    from socialmedia.views.panel import social_media_panel

    registry.register_panel(Panel("socialmedia", social_media_panel, order=40))
    registry.register_menu(
        MenuEntry(
            "Social media register",
            "socialmedia:register",
            access.is_decider,
            Section.CHIEF_EXECUTIVE,
            10,
        ),
        MenuEntry(
            "Accounts to decide",
            "socialmedia:decisions",
            access.is_decider,
            Section.CHIEF_EXECUTIVE,
            5,
        ),
    )
    registry.register_link_labels(
        {
            "socialmedia:decide": "Read the application and decide",
            "socialmedia:letter": "See the decision letter",
        }
    )
    sections.add(sections.TOP, changes_asked_section)
    sections.add(sections.MAIN, decisions_section)
    # ---- Opening and the credential register ----
    # ---- The team, leavers, hand-over and closure ----
    # ---- Reviews and reminders ----
    # ---- Permissions from the Chief Executive ----
