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
    # ---- The team, leavers, hand-over and closure ----
    # ---- Reviews and reminders ----
    from portal.registry import DemoLoader
    from socialmedia import sections
    from socialmedia.demo import load_socialmedia_demo
    from socialmedia.review_sections import review_due_section, reviews_section

    sections.add(sections.TOP, review_due_section)
    sections.add(sections.MAIN, reviews_section)
    registry.register_demo_loader(DemoLoader("socialmedia", load_socialmedia_demo, order=40))
    # ---- Permissions from the Chief Executive ----
