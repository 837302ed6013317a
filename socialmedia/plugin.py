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
    # ---- Opening and the credential register ----
    from portal.registry import MenuEntry, Section
    from socialmedia import credentials_sections, sections

    sections.add(sections.TOP, credentials_sections.open_prompt)
    sections.add(sections.TOP, credentials_sections.rotation_due)
    sections.add(sections.MAIN, credentials_sections.credentials)
    registry.register_menu(
        MenuEntry(
            "Credential reveals", "socialmedia:reveals", access.is_decider, Section.CHIEF_EXECUTIVE
        )
    )
    registry.register_link_labels({"socialmedia:reveals": "See the reveals"})
    # ---- The team, leavers, hand-over and closure ----
    # ---- Reviews and reminders ----
    # ---- Permissions from the Chief Executive ----
