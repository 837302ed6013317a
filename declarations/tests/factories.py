"""Factories for the declarations app. They write rows directly (fast, for building scenes);
tests of behaviour call the services instead.

    version = PolicyVersionFactory(published=True)
    campaign = CampaignFactory(open=True, versions=[version])
    obligation = ObligationFactory(campaign=campaign, user=alice)
    DeclarationFactory(obligation=obligation)   # marks the obligation signed too
"""

from datetime import timedelta

import factory
from django.utils import timezone

from declarations.markdown import render_markdown, sha256_text
from declarations.models import (
    Campaign,
    CheckQuestion,
    Declaration,
    ExtraStatement,
    Obligation,
    Policy,
    PolicyVersion,
)
from declarations.services.campaigns import DEFAULT_STATEMENT
from portal.tests.factories import UserFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    summary = "How we use IT, communications and social media."


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """A draft by default; `published=True` fixes its text and hash as publication would."""

    class Meta:
        model = PolicyVersion

    class Params:
        published = factory.Trait(
            status=PolicyVersion.Status.PUBLISHED,
            body_html=factory.LazyAttribute(lambda o: render_markdown(o.body_markdown)),
            content_sha256=factory.LazyAttribute(lambda o: sha256_text(o.body_html)),
            published_at=factory.LazyFunction(timezone.now),
        )

    policy = factory.SubFactory(PolicyFactory)
    label = factory.Sequence(lambda n: f"{n + 1}.0")
    effective_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    body_markdown = "## Scope\n\nThis policy applies to **everyone** with access to our systems."
    summary_of_changes = "General review."


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft by default; `open=True` makes it open (opened a day ago, due in four weeks).

    Pass `versions=[...]` to name the versions to sign; none are made for you.
    """

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    class Params:
        open = factory.Trait(
            status=Campaign.Status.OPEN,
            opened_at=factory.LazyAttribute(lambda o: o.opens_at),
        )

    name = factory.Sequence(lambda n: f"Annual declaration {2026 + n}")
    statement = DEFAULT_STATEMENT
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=28))

    @factory.post_generation
    def versions(self, create, extracted, **kwargs):
        if create and extracted:
            self.versions.set(extracted)

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)


class ExtraStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtraStatement

    campaign = factory.SubFactory(CampaignFactory)
    title = "Political restriction"
    text = "I have read the guidance about political restriction and will keep to it."
    audience = ExtraStatement.Audience.POLITICALLY_RESTRICTED


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    campaign = factory.SubFactory(CampaignFactory, open=True)
    user = factory.SubFactory(UserFactory)
    due_at = factory.LazyAttribute(lambda o: o.campaign.due_at)
    next_reminder_at = factory.LazyAttribute(
        lambda o: (
            (o.campaign.opened_at or o.campaign.opens_at)
            + timedelta(days=o.campaign.reminder_every_days)
        )
    )

    class Params:
        # Exempt by a policy administrator for the next 30 days.
        exempt = factory.Trait(
            status=Obligation.Status.EXEMPT,
            exempted_at=factory.LazyFunction(timezone.now),
            exempt_reason="Seconded to the regional unit",
            exempt_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
            next_reminder_at=None,
        )


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A signed declaration for an obligation; the obligation is marked signed."""

    class Meta:
        model = Declaration
        skip_postgeneration_save = True

    obligation = factory.SubFactory(ObligationFactory)
    campaign = factory.LazyAttribute(lambda o: o.obligation.campaign)
    user = factory.LazyAttribute(lambda o: o.obligation.user)
    versions_signed = factory.LazyAttribute(
        lambda o: [
            {
                "id": v.pk,
                "policy": v.policy.title,
                "label": v.label,
                "effective_date": v.effective_date.isoformat(),
                "sha256": v.content_sha256,
                "pdf_sha256": v.pdf_sha256,
            }
            for v in o.obligation.campaign.versions.select_related("policy")
        ]
    )
    statement = factory.LazyAttribute(lambda o: o.obligation.campaign.statement)
    typed_name = factory.LazyAttribute(lambda o: o.obligation.user.full_name)
    signed_at = factory.LazyFunction(timezone.now)
    ip_address = "10.0.0.1"
    user_agent = "Mozilla/5.0 (test)"

    @factory.post_generation
    def versions(self, create, extracted, **kwargs):
        if not create:
            return
        self.versions.set(extracted if extracted is not None else self.campaign.versions.all())
        Obligation.objects.filter(pk=self.obligation_id).update(
            status=Obligation.Status.SIGNED, signed_at=self.signed_at
        )
        self.obligation.status = Obligation.Status.SIGNED
        self.obligation.signed_at = self.signed_at


def every_version(obligation) -> list[int]:
    """The ids to tick "I have read" for: every version the obligation's campaign asks."""
    return list(obligation.campaign.versions.values_list("pk", flat=True))


class CheckQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckQuestion

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.Sequence(lambda n: f"Question {n}: who do you tell about a lost phone?")
    choices = factory.LazyFunction(lambda: ["The IT helpdesk", "Nobody", "A friend"])
    correct = 0


def ticks(obligation) -> dict[str, str]:
    """The signing form's "I have read" ticks, every one ticked."""
    return {f"read_{pk}": "on" for pk in every_version(obligation)}
