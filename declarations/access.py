"""Who may see which declarations object: one helper per kind, each fetching what its page
needs in the same query. Someone else's object is a 404 (they must not learn it exists);
pages for a role are guarded by `access_required` with one of the tests here, which
answers 403; the menu shows each page by the same test."""

from django.http import Http404

from declarations.models import (
    Campaign,
    CheckQuestion,
    Declaration,
    ExtraStatement,
    Obligation,
    Policy,
    PolicyVersion,
)
from declarations.selectors import version_author_ids
from portal.access import AnyUser
from portal.models import User
from portal.roles import Role


def is_policy_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.POLICY_ADMIN)


def can_decide_approval(user: AnyUser, version: PolicyVersion) -> bool:
    """Approve or send back a version waiting for approval: a policy administrator who had no
    hand in it (never its author, nor who asked). One query, for the authors."""
    return (
        is_policy_admin(user)
        and version.approval == PolicyVersion.Approval.AWAITING
        and not version.is_published
        and user.pk not in version_author_ids(version)
    )


def can_see_my_team(user: AnyUser) -> bool:
    """Line managers see their own direct reports; no role is needed beyond having reports."""
    return user.is_authenticated and user.is_line_manager


def get_policy_for_user(user: User, slug: str) -> Policy:
    """Staff see a policy once a version of it is published; administrators see drafts too."""
    policies = Policy.objects.select_related("owner", "last_reviewed_by")
    if not is_policy_admin(user):
        policies = policies.filter(versions__status=PolicyVersion.Status.PUBLISHED).distinct()
    try:
        return policies.get(slug=slug)
    except Policy.DoesNotExist:
        raise Http404("No such policy.") from None


def get_version_for_user(user: User, pk: int) -> PolicyVersion:
    """A published version is open to everyone signed in; a draft only to administrators."""
    versions = PolicyVersion.objects.select_related(
        "policy",
        "owner",
        "published_by",
        "created_by",
        "approval_requested_by",
        "approved_by",
        "returned_by",
    )
    if not is_policy_admin(user):
        versions = versions.filter(status=PolicyVersion.Status.PUBLISHED)
    try:
        return versions.get(pk=pk)
    except PolicyVersion.DoesNotExist:
        raise Http404("No such policy version.") from None


def get_version_for_admin(user: User, pk: int) -> PolicyVersion:
    if not is_policy_admin(user):
        raise Http404("No such policy version.")
    return get_version_for_user(user, pk)


def get_campaign_for_admin(user: User, pk: int) -> Campaign:
    if not is_policy_admin(user):
        raise Http404("No such campaign.")
    try:
        return Campaign.objects.select_related(
            "caused_by__policy",
            "created_by",
            "opened_by",
            "closed_by",
            "reopened_by",
            "repeat_of",
            "repeat",
            "repeat_stopped_by",
        ).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None


def get_extra_statement_for_admin(user: User, pk: int) -> ExtraStatement:
    if not is_policy_admin(user):
        raise Http404("No such statement.")
    try:
        return ExtraStatement.objects.select_related("campaign").get(pk=pk)
    except ExtraStatement.DoesNotExist:
        raise Http404("No such statement.") from None


def get_question_for_admin(user: User, pk: int) -> CheckQuestion:
    if not is_policy_admin(user):
        raise Http404("No such question.")
    try:
        return CheckQuestion.objects.select_related("campaign").get(pk=pk)
    except CheckQuestion.DoesNotExist:
        raise Http404("No such question.") from None


def get_obligation_for_user(user: User, pk: int) -> Obligation:
    """Only the person asked to sign: not their manager, not a policy administrator."""
    try:
        return Obligation.objects.select_related("campaign", "user").get(pk=pk, user_id=user.pk)
    except Obligation.DoesNotExist:
        raise Http404("No such declaration to sign.") from None


def get_obligation_for_admin(user: User, pk: int) -> Obligation:
    if not is_policy_admin(user):
        raise Http404("No such obligation.")
    try:
        return Obligation.objects.select_related(
            "campaign",
            "user__department",
            "user__line_manager",
            "exempted_by",
            "exemption_ended_by",
        ).get(pk=pk)
    except Obligation.DoesNotExist:
        raise Http404("No such obligation.") from None


def get_obligation_for_line_manager(user: User, pk: int) -> Obligation:
    """One of the manager's own active direct reports' obligations in a campaign that has
    been opened (what My team lists); anyone else's, or a draft campaign's, is a 404."""
    try:
        return Obligation.objects.select_related("campaign", "user").get(
            pk=pk,
            user__line_manager_id=user.pk,
            user__is_active=True,
            campaign__status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED],
        )
    except Obligation.DoesNotExist:
        raise Http404("No such person in your team.") from None


def get_declaration_for_user(user: User, pk: int) -> Declaration:
    """The person who signed it, and policy administrators; everyone else gets a 404."""
    declarations = Declaration.objects.select_related("campaign", "user__department", "obligation")
    if not is_policy_admin(user):
        declarations = declarations.filter(user_id=user.pk)
    try:
        return declarations.get(pk=pk)
    except Declaration.DoesNotExist:
        raise Http404("No such declaration.") from None
