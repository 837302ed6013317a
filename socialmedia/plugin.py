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
    # ---- Permissions from the Chief Executive ----
    from portal.registry import MenuEntry, Panel, Section
    from socialmedia.views.permissions import permissions_panel

    # Asking starts from the dashboard (anyone may need to); the deciders' queue is in the
    # Chief Executive's menu, shown by the test its page answers 403 by.
    registry.register_panel(Panel("socialmedia-permissions", permissions_panel, order=56))
    registry.register_menu(
        MenuEntry(
            "Permission requests",
            "socialmedia:permissions",
            access.is_decider,
            Section.CHIEF_EXECUTIVE,
            20,
        )
    )
    registry.register_link_labels(
        {
            "socialmedia:permission": "See the permission request",
            "socialmedia:permissions_mine": "See your permission requests",
        }
    )
    # The trail links a request for the Chief Executive and delegates, who read it.
    registry.register_object_kind(
        ObjectKind(
            "socialmedia.permissionrequest",
            "Permission request",
            url=_page("permission"),
            allowed=access.is_decider,
        )
    )
