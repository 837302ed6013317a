"""Who has access to an account (paragraph 23: the Chief Executive keeps the list of staff with
access and changes passwords when it changes). Adding or removing someone marks the password
for a change in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit_record
from socialmedia.access import is_decider
from socialmedia.events import SocialEvent
from socialmedia.models import Account, TeamMember
from socialmedia.services.handovers_withdrawn import TAKEN_OFF, handovers_withdraw
from socialmedia.services.rotation_due import mark_rotation_due

# The team is kept here from approval: an approved account about to open already has people
# who will hold its password.
TEAM_KEPT = (Account.Status.APPROVED, Account.Status.ACTIVE, Account.Status.SUSPENDED)
# Recovery needs a second person with access (the application asks for two as well).
SMALLEST_RUNNING_TEAM = 2


def may_manage_team(user: User, account: Account) -> bool:
    return user.pk == account.owner_id or is_decider(user)


def _locked(account: Account) -> Account:
    # The account as it is now, locked: two changes to one team at once must not both pass
    # the size check on the same count.
    return (
        Account.objects.select_for_update(of=("self",)).select_related("owner").get(pk=account.pk)
    )


def _check(by: User, account: Account) -> None:
    if not may_manage_team(by, account):
        raise PermissionDenied
    if account.status not in TEAM_KEPT:
        raise ValidationError("The team is kept only for an approved, active or suspended account.")


@transaction.atomic
def team_member_add(*, account: Account, user: User, by: User, ip: str | None = None) -> TeamMember:
    """Give a colleague access: they join the team, and the password is due a change."""
    account = _locked(account)
    _check(by, account)
    if not user.is_active:
        raise ValidationError(f"{user.full_name} no longer works here.")
    if TeamMember.objects.current().filter(account=account, user=user).exists():
        raise ValidationError(f"{user.full_name} is already on the team.")
    now = timezone.now()
    member = TeamMember.objects.create(account=account, user=user, added_at=now, added_by=by)
    audit_record(
        verb=SocialEvent.TEAM_MEMBER_ADDED,
        actor=by,
        obj=account,
        changes={"member": user.email},
        ip=ip,
    )
    mark_rotation_due([account], reason=f"{user.full_name} joined the team", at=now, by=by)
    return member


@transaction.atomic
def team_member_remove(
    *, member: TeamMember, by: User, reason: str, ip: str | None = None
) -> TeamMember:
    """Take someone off the team: their row ends (the history stays), any hand-over offered to
    them is withdrawn, and the password is due a change."""
    account = _locked(member.account)
    _check(by, account)
    # Only the team row: its person's row may be held by user_deactivate (a leaver), whose hook
    # locks this account before its team rows.
    member = (
        TeamMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    )
    reason = reason.strip()
    if member.removed_at is not None:
        raise ValidationError(f"{member.user.full_name} is no longer on the team.")
    if member.user_id == account.owner_id:
        raise ValidationError(
            "The owner cannot be taken off the team: hand the account over to someone else "
            "on the team first."
        )
    if not reason:
        raise ValidationError("Say why they are coming off the team.")
    if account.is_running:
        size = TeamMember.objects.current().filter(account=account).count()
        if size <= SMALLEST_RUNNING_TEAM:
            raise ValidationError(
                f"An open account needs at least {SMALLEST_RUNNING_TEAM} people on its team, so "
                "the account can be recovered: add someone first, then take them off."
            )
    now = timezone.now()
    member.removed_at, member.removed_by, member.removal_reason = now, by, reason[:300]
    member.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    handovers_withdraw(account.handovers.filter(to_owner=member.user), why=TAKEN_OFF, at=now, by=by)
    audit_record(
        verb=SocialEvent.TEAM_MEMBER_REMOVED,
        actor=by,
        obj=account,
        changes={"member": member.user.email, "reason": member.removal_reason},
        ip=ip,
    )
    mark_rotation_due(
        [account], reason=f"{member.user.full_name} was taken off the team", at=now, by=by
    )
    return member
