"""What annual declarations add to the portal: registered once, from DeclarationsConfig.ready()."""

from django.urls import reverse

from declarations import access
from declarations.dashboard import approvals_panel, declarations_panel
from declarations.demo import load_declarations_demo
from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.person import declarations_for_person
from declarations.services.enrolment import campaigns_enrol_newcomers
from portal.access import is_signed_in
from portal.registry import (
    DemoLoader,
    MenuEntry,
    ObjectKind,
    Panel,
    PersonSection,
    RetentionRule,
    Section,
    registry,
)


def _admin_page(url_name: str):
    """A link to a policy administrator's page of one record, by its id."""
    return lambda pk: reverse(f"declarations:{url_name}", args=[pk])


def register() -> None:
    registry.register_panel(Panel("declarations", declarations_panel, order=10))
    registry.register_panel(Panel("declarations-approvals", approvals_panel, order=11))
    registry.register_menu(
        MenuEntry("Policies", "declarations:policies", is_signed_in, order=10),
        MenuEntry("My team", "declarations:my_team", access.can_see_my_team, order=20),
        MenuEntry(
            "Campaigns",
            "declarations:campaigns",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=10,
        ),
        MenuEntry(
            "Policy versions",
            "declarations:admin_policies",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=20,
        ),
        MenuEntry(
            "Compliance reports",
            "declarations:reports",
            access.is_policy_admin,
            Section.POLICY_ADMIN,
            order=30,
        ),
    )
    registry.register_person_section(
        PersonSection("Annual declarations", declarations_for_person, order=10)
    )
    # People a staff import adds are asked to sign the open campaigns at once.
    registry.register_people_changed_hook(campaigns_enrol_newcomers)
    registry.register_audit_verbs(DeclarationEvent)
    registry.register_email_kinds(DeclarationEmail)
    # The buttons of the notifications these emails leave in the portal, in the emails' words.
    registry.register_link_labels(
        {
            "declarations:sign": "Read and sign the declaration",
            "declarations:record": "See and print the full record",
            # Receipts sent before they linked to the record went to this page.
            "declarations:receipt": "See your receipt",
            "declarations:my_team": "See your team's declarations",
            "declarations:report_outstanding": "See everyone outstanding",
            "declarations:admin_version": "See the policy version",
            "declarations:admin_policy": "See the policy",
        }
    )
    # How the audit trail names these records, and where it links them: each to the page a
    # policy administrator uses, by that page's own access test. A policy's page is found by
    # its slug, which the trail does not hold, so a policy is named without a link.
    registry.register_object_kind(ObjectKind("declarations.policy", "Policy"))
    for model, noun, url_name in (
        ("declarations.policyversion", "Policy version", "admin_version"),
        ("declarations.campaign", "Campaign", "campaign"),
        ("declarations.obligation", "Declaration to sign", "obligation"),
        ("declarations.declaration", "Signed declaration", "record"),
    ):
        registry.register_object_kind(
            ObjectKind(model, noun, url=_admin_page(url_name), allowed=access.is_policy_admin)
        )
    registry.register_demo_loader(DemoLoader("declarations", load_declarations_demo, order=10))
    registry.register_retention_rule(
        RetentionRule(
            "declarations.declarations",
            "Signed declarations",
            kept_because=(
                "They are the evidence that each person agreed to each policy, which a "
                "misconduct hearing or tribunal may ask for years after they leave. The database "
                "refuses to change or delete them, so they are not disposed of here."
            ),
            order=20,
        )
    )
