"""Queries worth naming: who a campaign asks, which statements apply to a person, which
version of a policy is current."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import (
    Campaign,
    CheckAttempt,
    Declaration,
    ExtraStatement,
    Obligation,
    Policy,
    PolicyVersion,
)
from declarations.reports import completion_overall
from portal.models import AuditEvent, User
from portal.roles import Role


def campaign_audience(campaign: Campaign) -> QuerySet[User]:
    """Everyone active the campaign asks to sign (whether or not they have been asked yet).

    A re-sign campaign asks the people who signed an earlier published version of the policy
    whose material change caused it, and not those who have already signed the new version.
    """
    users = User.objects.filter(is_active=True)
    if campaign.kind == Campaign.Kind.RESIGN and (cause := campaign.caused_by) is not None:
        earlier = PolicyVersion.objects.filter(
            policy_id=cause.policy_id,
            status=PolicyVersion.Status.PUBLISHED,
            published_at__lt=cause.published_at,
        ).exclude(pk=cause.pk)
        signed_earlier = Declaration.objects.filter(versions__in=earlier).values("user_id")
        signed_this = Declaration.objects.filter(versions=cause).values("user_id")
        return users.filter(pk__in=signed_earlier).exclude(pk__in=signed_this)
    if campaign.audience_all:
        return users
    department_ids = list(campaign.departments.values_list("pk", flat=True))
    if department_ids:
        users = users.filter(department_id__in=department_ids)
    if campaign.employment_types:
        users = users.filter(employment_type__in=campaign.employment_types)
    if not department_ids and not campaign.employment_types:
        # A chosen audience with nothing chosen asks nobody, never everybody.
        return users.none()
    return users


def campaign_outstanding(campaign: Campaign, *, now: datetime | None = None) -> dict[str, int]:
    """How many people are still to sign (pending or paused), how many of the pending are past
    their due date, how many are paused, and how many are exempt until a date (apart): what
    closing or reopening touches. Counted by the
    one definition every page uses (declarations.reports), so the figures agree. One query."""
    figures = completion_overall(campaign, now or timezone.now())
    return {
        "pending": figures.pending,
        "overdue": figures.overdue,
        "paused": figures.paused,
        "not_signed": figures.pending + figures.paused,
        # Not still to sign, but not signed either: closing and reopening say so.
        "exempt": figures.exempt,
    }


def versions_asked(campaign_ids: Iterable[int]) -> dict[int, list[dict[str, str]]]:
    """The policy versions each campaign asks people to read, by policy title, as the emails
    name them ({"policy": title, "label": label}): one query however many campaigns."""
    asked: dict[int, list[dict[str, str]]] = defaultdict(list)
    rows = (
        Campaign.versions.through.objects.filter(campaign_id__in=set(campaign_ids))
        .order_by("policyversion__policy__title", "policyversion__label")
        .values_list("campaign_id", "policyversion__policy__title", "policyversion__label")
    )
    for campaign_id, title, label in rows:
        asked[campaign_id].append({"policy": title, "label": label})
    return asked


def extra_statements_for(campaign: Campaign, user: User) -> list[ExtraStatement]:
    """The extra statements this person must agree to in this campaign (two queries)."""
    statements = campaign.extra_statements.order_by("pk").prefetch_related("departments")
    applicable = []
    for statement in statements:
        if statement.audience == ExtraStatement.Audience.POLITICALLY_RESTRICTED:
            applies = user.politically_restricted
        else:
            applies = user.department_id in {d.pk for d in statement.departments.all()}
        if applies:
            applicable.append(statement)
    return applicable


def versions_in_effect(on: date) -> dict[int, PolicyVersion]:
    """Each policy's published version in effect on that day, by policy id: the latest effective
    date on or before it (the latest published, if two share a date). One query; a deployment
    has tens of versions, not thousands."""
    in_effect: dict[int, PolicyVersion] = {}
    for version in _in_effect_newest_first(on):
        in_effect.setdefault(version.policy_id, version)
    return in_effect


def _in_effect_newest_first(on: date) -> QuerySet[PolicyVersion]:
    """Published versions whose effective date has come by `on`, newest first: the first of
    each policy's is the one in effect. The one definition of "in effect" in a query."""
    return PolicyVersion.objects.filter(
        status=PolicyVersion.Status.PUBLISHED, effective_date__lte=on
    ).order_by("-effective_date", "-published_at", "-pk")


def current_versions_prefetch(to_attr: str = "current") -> Prefetch:
    """Each policy's published versions in effect today, newest first, as `policy.<to_attr>`."""
    return Prefetch(
        "versions", queryset=_in_effect_newest_first(timezone.localdate()), to_attr=to_attr
    )


def policies_in_force() -> list[Policy]:
    """Every policy with a version in effect, with that version as `policy.current_version`."""
    policies = Policy.objects.prefetch_related(current_versions_prefetch()).order_by("title")
    result = []
    for policy in policies:
        if policy.current:
            policy.current_version = policy.current[0]
            result.append(policy)
    return result


def _author_ids(versions: list[PolicyVersion]) -> dict[int, set[int]]:
    """By version: everyone who had a hand in it (see version_author_ids). One query."""
    written = AuditEvent.objects.filter(
        object_type=PolicyVersion._meta.label_lower,
        object_id__in=[str(version.pk) for version in versions],
        verb__in=[
            DeclarationEvent.POLICY_VERSION_CREATED,
            DeclarationEvent.POLICY_VERSION_UPDATED,
        ],
        actor__isnull=False,
    ).values_list("object_id", "actor_id")
    authors = {
        version.pk: {version.created_by_id, version.approval_requested_by_id}
        for version in versions
    }
    for object_id, actor_id in written:
        authors[int(object_id)].add(actor_id)
    return {pk: {person for person in ids if person is not None} for pk, ids in authors.items()}


def version_author_ids(version: PolicyVersion) -> set[int]:
    """Everyone who had a hand in a draft, none of whom may approve it: who drafted it, who
    asked for approval, and whoever changed it (the audit trail keeps every change). One query."""
    return _author_ids([version])[version.pk]


def versions_awaiting_approval_by(user: User) -> list[PolicyVersion]:
    """Drafts waiting for a policy administrator's approval that this one may give: none they
    had a hand in. Oldest request first. Two queries, however many are waiting."""
    waiting = list(
        PolicyVersion.objects.filter(
            approval=PolicyVersion.Approval.AWAITING, status=PolicyVersion.Status.DRAFT
        )
        .select_related("policy", "approval_requested_by")
        .order_by("approval_requested_at", "pk")
    )
    if not waiting:
        return []
    authors = _author_ids(waiting)
    return [version for version in waiting if user.pk not in authors[version.pk]]


def policy_administrators() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.POLICY_ADMIN).order_by("pk")


@dataclass(frozen=True)
class CheckState:
    """Where one person stands with their campaign's comprehension check."""

    questions: int
    attempts: list[CheckAttempt]
    allowed: int

    @property
    def required(self) -> bool:
        return self.questions > 0

    @property
    def passed(self) -> CheckAttempt | None:
        return next((a for a in self.attempts if a.passed), None)

    @property
    def last(self) -> CheckAttempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def remaining(self) -> int:
        return max(0, self.allowed - len(self.attempts))

    @property
    def out_of_attempts(self) -> bool:
        return self.required and not self.passed and not self.remaining

    @property
    def blocks_signing(self) -> bool:
        return self.required and self.passed is None


def check_state(obligation: Obligation) -> CheckState:
    """Two queries: the number of questions and the attempts so far."""
    questions = obligation.campaign.questions.count()
    attempts = list(obligation.check_attempts.order_by("number")) if questions else []
    return CheckState(
        questions=questions,
        attempts=attempts,
        allowed=obligation.check_attempts_allowed,
    )
