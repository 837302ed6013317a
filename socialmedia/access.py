"""Who may see and do what with corporate social media accounts and permission requests.

Someone else's account or request is a 404 (they must not learn it exists); a page for a role
is guarded by `access_required` with a test here, which answers 403; the menu shows each page by
the same test. The Chief Executive's powers go to the Chief Executive and the delegates they
named (the CE_DELEGATE role), never to a superuser as such: `has_role` ignores is_superuser.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.access import AnyUser
from portal.models import User
from portal.roles import Role
from socialmedia.models import (
    DECIDER_ROLES,
    Account,
    PermissionRequest,
    TeamMember,
    VersionAttachment,
)


def is_chief_executive(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.CHIEF_EXECUTIVE)


def is_decider(user: AnyUser) -> bool:
    """The Chief Executive and delegates: they decide, keep the register and reveal secrets."""
    return user.is_authenticated and user.has_role(*DECIDER_ROLES)


def acts_as_delegate(user: User) -> bool:
    """Whether their decision or reveal is a delegate's (they do not also hold the Chief
    Executive role): the record says so, and a delegate's reveal tells the Chief Executive."""
    return not user.has_role(Role.CHIEF_EXECUTIVE)


def owns(user: User, account: Account) -> bool:
    return user.pk == account.owner_id


def on_team(user: User, account: Account) -> bool:
    return TeamMember.objects.current().filter(account=account, user_id=user.pk).exists()


# ---- Accounts ----------------------------------------------------------------------------


def get_account_for_user(user: User, pk: int) -> Account:
    """An account its applicant, owner, team and the deciders may open; anyone else: 404."""
    try:
        return (
            Account.objects.visible_to(user)
            .select_related("applicant", "owner", "decided_by")
            .get(pk=pk)
        )
    except Account.DoesNotExist:
        raise Http404("No such social media account.") from None


def get_account_for_owner(user: User, pk: int) -> Account:
    """An account its owner acts on (registering credentials, reviews, the team, hand-over).
    Someone else who may see it: 403."""
    account = get_account_for_user(user, pk)
    if not owns(user, account):
        raise PermissionDenied
    return account


def get_account_for_applicant(user: User, pk: int) -> Account:
    """An application its applicant edits; others who may see it: 403."""
    account = get_account_for_user(user, pk)
    if user.pk != account.applicant_id:
        raise PermissionDenied
    return account


def get_account_for_decider(user: User, pk: int) -> Account:
    """An account the Chief Executive or a delegate acts on; anyone else who may see it: 403.
    Deciding on one's own application is refused by the services, with a reason."""
    account = get_account_for_user(user, pk)
    if not is_decider(user):
        raise PermissionDenied
    return account


# ---- Permission requests -----------------------------------------------------------------


def get_request_for_user(user: User, pk: int) -> PermissionRequest:
    """A request its requester and the deciders may open; anyone else: 404."""
    try:
        return PermissionRequest.objects.visible_to(user).select_related("requester").get(pk=pk)
    except PermissionRequest.DoesNotExist:
        raise Http404("No such permission request.") from None


def get_request_for_requester(user: User, pk: int) -> PermissionRequest:
    request = get_request_for_user(user, pk)
    if request.requester_id != user.pk:
        raise PermissionDenied
    return request


def get_request_for_decider(user: User, pk: int) -> PermissionRequest:
    request = get_request_for_user(user, pk)
    if not is_decider(user):
        raise PermissionDenied
    return request


def get_permission_file_for_user(user: User, pk: int) -> VersionAttachment:
    """A file of a request its requester and the deciders may open; anyone else: 404."""
    try:
        attachment = VersionAttachment.objects.select_related("version__request").get(pk=pk)
    except VersionAttachment.DoesNotExist:
        raise Http404("No such file.") from None
    if (
        not PermissionRequest.objects.visible_to(user)
        .filter(pk=attachment.version.request_id)
        .exists()
    ):
        raise Http404("No such file.")
    return attachment
