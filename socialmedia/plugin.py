"""What the social media app adds to the portal: registered once, from SocialMediaConfig.ready().
Each part of the app registers what it adds under its own heading."""

from django.urls import reverse

from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
    Panel,
    PersonSection,
    Section,
    registry,
)
from socialmedia import access, credentials_sections, sections, team_sections
from socialmedia.demo import load_socialmedia_demo
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.person_section import social_accounts_for_person
from socialmedia.review_sections import review_due_section, reviews_section
from socialmedia.services.leavers import social_accounts_remove_leaver
from socialmedia.views.application_sections import changes_asked_section, decisions_section
from socialmedia.views.panel import social_media_panel
from socialmedia.views.permissions import permissions_panel


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

    # In user_deactivate's transaction: off every team, passwords they knew due a change.
    registry.register_leaver_hook(social_accounts_remove_leaver)
    registry.register_person_section(
        PersonSection("Social media accounts", social_accounts_for_person, order=40)
    )
    registry.register_link_labels(
        {
            "socialmedia:team": "See the account's team",
            "socialmedia:owner_assign": "Name a new owner",
        }
    )
    sections.add(sections.TOP, team_sections.handover_section)
    sections.add(sections.TOP, team_sections.standing_section)
    sections.add(sections.MAIN, team_sections.team_section)
    sections.add(sections.MAIN, team_sections.actions_section)
    # ---- Reviews and reminders ----

    sections.add(sections.TOP, review_due_section)
    sections.add(sections.MAIN, reviews_section)
    registry.register_demo_loader(DemoLoader("socialmedia", load_socialmedia_demo, order=40))
    # ---- Permissions from the Chief Executive ----

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
