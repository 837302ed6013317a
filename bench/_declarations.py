"""A published policy and a draft annual campaign asking for it, made through the services, as
the declarations benchmarks need them (after bench_setup)."""

from datetime import datetime


def draft_campaign(admin, *, opens_at: datetime, due_at: datetime):
    """(policy, version, campaign): the version published and in effect today."""
    from django.utils import timezone

    from declarations.services.campaigns import DEFAULT_STATEMENT, campaign_create
    from declarations.services.policies import (
        policy_create,
        policy_version_create,
        policy_version_publish,
    )

    policy = policy_create(by=admin, title="IT and communications policy", slug="it-comms")
    version = policy_version_create(
        policy=policy,
        by=admin,
        label="4.0",
        effective_date=timezone.localdate(),
        body_markdown="## Scope\n\nEveryone with access to our systems.\n\n" * 20,
    )
    version, _ = policy_version_publish(version=version, by=admin)
    campaign = campaign_create(
        by=admin,
        versions=[version],
        name="Annual declaration (bench)",
        statement=DEFAULT_STATEMENT,
        audience_all=True,
        employment_types=[],
        opens_at=opens_at,
        due_at=due_at,
        new_starter_days=14,
        reminder_every_days=7,
        admin_escalation_days=7,
    )
    return policy, version, campaign
