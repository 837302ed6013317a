"""Factories for the chat-group register. They write rows directly (fast, for building scenes);
tests of behaviour call the services instead.

    group = ChatGroupFactory(approved=True, members=[alice, bob])
    cycle = ClearDownCycleFactory(group=group)
"""

from datetime import timedelta

import factory
from django.utils import timezone

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Concern,
    ExternalMember,
    Hold,
    HoldNotice,
    Membership,
    Platform,
    Review,
    Submission,
)
from portal.tests.factories import UserFactory


class ChatGroupFactory(factory.django.DjangoModelFactory):
    """A draft by default. `approved=True` makes it approved (with a decided submission);
    `members=[...]` adds current members besides the admin (who is always one)."""

    class Meta:
        model = ChatGroup
        skip_postgeneration_save = True

    class Params:
        approved = factory.Trait(
            status=ChatGroup.Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            cycle_anchor=factory.LazyFunction(timezone.localdate),
            review_due_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=365)),
        )

    name = factory.Sequence(lambda n: f"Neighbourhood team {n}")
    platform = Platform.WHATSAPP
    purpose = "Arranging cover for the front desk at short notice."
    audience = "The front desk team and their supervisors."
    will_post = "Shift changes and who is covering."
    never_post = "Operational details, protectively marked material or personal details."
    why_not_corporate = "Most of the team are away from a desk and need a quick answer."
    expected_size = 8
    logo_confirmed = True
    admin = factory.SubFactory(UserFactory)
    applicant = factory.SelfAttribute("admin")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        now = timezone.now()
        people = [self.admin, *(extracted or [])]
        if self.deputy_id and self.deputy not in people:
            people.append(self.deputy)
        approved = self.status == ChatGroup.Status.APPROVED
        Membership.objects.bulk_create(
            Membership(
                group=self,
                user=person,
                added_by=self.admin,
                rules_sent_at=now if approved else None,
                rules_acknowledged_at=now if approved else None,
            )
            for person in people
        )
        if approved:
            Submission.objects.create(
                group=self,
                submitted_by=self.applicant,
                outcome=Submission.Outcome.APPROVED,
                decided_at=now,
                details={"name": self.name},
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(ChatGroupFactory)
    user = factory.SubFactory(UserFactory)


class ExternalMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalMember

    group = factory.SubFactory(ChatGroupFactory)
    name = "Sam Partner"
    organisation = "Northshire County Council"
    contact = "sam.partner@example.gov.uk"


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    group = factory.SubFactory(ChatGroupFactory, status=ChatGroup.Status.SUBMITTED)
    submitted_by = factory.SelfAttribute("group.applicant")
    details = factory.LazyAttribute(lambda s: {"name": s.group.name})


class ClearDownCycleFactory(factory.django.DjangoModelFactory):
    """A prompted period that opened an hour ago."""

    class Meta:
        model = ClearDownCycle

    group = factory.SubFactory(ChatGroupFactory, approved=True)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda c: c.opens_at + timedelta(days=7))
    deadline_at = factory.LazyAttribute(lambda c: c.opens_at + timedelta(days=2))
    outcome = ClearDownCycle.Outcome.PROMPTED
    prompter = factory.SelfAttribute("group.admin")


class ClearDownPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClearDownPrompt

    cycle = factory.SubFactory(ClearDownCycleFactory)
    user = factory.SubFactory(UserFactory)


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    group = factory.SubFactory(ChatGroupFactory, approved=True)
    kind = Concern.Kind.WRONG_CONTENT
    details = "A photo of a custody record was posted on Tuesday."
    raised_by = factory.SubFactory(UserFactory)


# --- Holds, notices and reviews, made directly (tests of behaviour place holds with
# hold_place) ---


class HoldFactory(factory.django.DjangoModelFactory):
    """An open FOI hold placed a day ago; `groups=[...]` names the groups it covers."""

    class Meta:
        model = Hold
        skip_postgeneration_save = True

    kind = Hold.Kind.FOI
    reference = factory.Sequence(lambda n: f"FOI-2026-{n:04d}")
    request_received_on = factory.LazyFunction(timezone.localdate)
    placed_by = factory.SubFactory(UserFactory)
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class HoldNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoldNotice

    hold = factory.SubFactory(HoldFactory)
    user = factory.SubFactory(UserFactory)
    issued_at = factory.SelfAttribute("hold.placed_at")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    group = factory.SubFactory(ChatGroupFactory, approved=True)
    reviewed_by = factory.SelfAttribute("group.admin")
    purpose_holds = True
    membership_right = True
