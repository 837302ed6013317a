"""An account's life once approved: a new name or handle, a hand-over to another team member,
closure by its owner, and the Chief Executive's orders (paragraphs 20, 22 and 23). There is no
way here to make an account anyone's own: the owner is always someone on its team, and an
account ends only by being closed."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.access import acts_as_delegate, is_decider
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, Decision, HandOver, TeamMember
from socialmedia.outbox import (
    account_changed_key,
    account_closed_key,
    account_order_instead_key,
    account_order_key,
    handover_answered_key,
    handover_proposed_key,
)
from socialmedia.selectors import chief_executive_recipients
from socialmedia.services.handovers_withdrawn import CLOSED, handovers_withdraw
from socialmedia.services.leavers import needs_new_owner


def _locked(account: Account) -> Account:
    return (
        Account.objects.select_for_update(of=("self",)).select_related("owner").get(pk=account.pk)
    )


def _check_owner(by: User, account: Account) -> None:
    if by.pk != account.owner_id:
        raise PermissionDenied


def _check_running(account: Account) -> None:
    if not account.is_running:
        raise ValidationError("This account is not open: only an open account can be changed.")


def _page(account: Account) -> str:
    return reverse("socialmedia:account", args=[account.pk])


def _tell_chief_executive(
    account: Account, *, by: User, at: datetime, changes: list[tuple[str, str, str]]
) -> list[Message]:
    return [
        Message(
            to=person,
            template=SocialEmail.ACCOUNT_CHANGED,
            dedup_key=account_changed_key(account.pk, person, at),
            url=_page(account),
            context={"account": account, "by": by, "changes": changes},
        )
        for person in chief_executive_recipients()
    ]


# ---- A new name or handle ---------------------------------------------------------------


@transaction.atomic
def account_rename(
    *, account: Account, name: str, handle: str, by: User, ip: str | None = None
) -> Account:
    """The owner records that the account's name or handle changed on the platform; the Chief
    Executive is told (paragraph 23)."""
    account = _locked(account)
    _check_owner(by, account)
    _check_running(account)
    name, handle = name.strip(), handle.strip()
    if not name or not handle:
        raise ValidationError("Give the account's name and handle as they are now.")
    changed = {
        field: {"from": getattr(account, field), "to": value}
        for field, value in (("name", name), ("handle", handle))
        if getattr(account, field) != value
    }
    if not changed:
        raise ValidationError("That is the name and handle already recorded: nothing changed.")
    account.name, account.handle = name, handle
    account.save(update_fields=list(changed))
    audit_record(verb=SocialEvent.RENAMED, actor=by, obj=account, changes=changed, ip=ip)
    labels = {"name": "Account name", "handle": "Handle"}
    notifications_queue_many(
        messages=_tell_chief_executive(
            account,
            by=by,
            at=timezone.now(),
            changes=[(labels[f], c["from"], c["to"]) for f, c in changed.items()],
        )
    )
    return account


# ---- Hand-over (paragraph 20) -----------------------------------------------------------


def handover_candidates(account: Account):
    """Who the owner may hand over to: active people on the current team, not the owner."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=TeamMember.objects.current().filter(account=account).values("user_id"),
        )
        .exclude(pk=account.owner_id)
        .order_by("full_name", "pk")
    )


def open_handover(account: Account) -> HandOver | None:
    return (
        HandOver.objects.filter(account=account, answered_at__isnull=True)
        .select_related("to_owner", "from_owner")
        .first()
    )


@transaction.atomic
def handover_propose(
    *, account: Account, to_owner: User, note: str, by: User, ip: str | None = None
) -> HandOver:
    """The owner offers the account to someone on its team. The Chief Executive is told; it
    changes hands only when they accept."""
    account = _locked(account)
    _check_owner(by, account)
    _check_running(account)
    if to_owner.pk == by.pk:
        raise ValidationError("You already own this account: choose someone else on the team.")
    if not handover_candidates(account).filter(pk=to_owner.pk).exists():
        raise ValidationError(
            f"{to_owner.full_name} is not on this account's team, or no longer works here: an "
            "account can only be handed to someone on its team (add them first)."
        )
    if HandOver.objects.filter(account=account, answered_at__isnull=True).exists():
        raise ValidationError(
            "A hand-over of this account is already waiting for an answer: withdraw it first."
        )
    handover = HandOver.objects.create(
        account=account,
        from_owner=by,
        to_owner=to_owner,
        note=note.strip(),
        proposed_at=timezone.now(),
    )
    audit_record(
        verb=SocialEvent.HANDOVER_PROPOSED,
        actor=by,
        obj=account,
        changes={"owner": account.owner.email, "proposed_owner": to_owner.email},
        ip=ip,
    )
    told: list[User | str] = [to_owner, *chief_executive_recipients()]
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.HANDOVER_PROPOSED,
                dedup_key=handover_proposed_key(handover.pk, person),
                url=_page(account),
                context={
                    "account": account,
                    "handover": handover,
                    "offered_to_you": person == to_owner,
                },
            )
            for person in told
        ]
    )
    return handover


def _locked_open(handover: HandOver) -> HandOver:
    handover = (
        HandOver.objects.select_for_update(of=("self",))
        .select_related("to_owner", "from_owner")
        .get(pk=handover.pk)
    )
    if handover.answered_at is not None:
        raise ValidationError("This hand-over has already been answered or withdrawn.")
    return handover


@transaction.atomic
def handover_answer(
    *, handover: HandOver, accept: bool, by: User, ip: str | None = None
) -> HandOver:
    """The proposed owner accepts (the account is theirs; the Chief Executive and the old owner
    are told) or declines (the old owner is told)."""
    if by.pk != handover.to_owner_id:
        raise PermissionDenied
    account = _locked(handover.account)
    handover = _locked_open(handover)
    now = timezone.now()
    previous = account.owner
    if accept:
        _check_running(account)
        if not handover_candidates(account).filter(pk=by.pk).exists():
            raise ValidationError(
                "You are no longer on this account's team, so it cannot be handed to you."
            )
        account.owner = by
        account.save(update_fields=["owner"])
    handover.answered_at = now
    handover.outcome = HandOver.Outcome.ACCEPTED if accept else HandOver.Outcome.DECLINED
    handover.save(update_fields=["answered_at", "outcome"])
    changes: dict = {"handover": handover.pk}
    if accept:
        changes["owner"] = {"from": previous.email, "to": by.email}
    audit_record(
        verb=SocialEvent.HANDOVER_ACCEPTED if accept else SocialEvent.HANDOVER_DECLINED,
        actor=by,
        obj=account,
        changes=changes,
        ip=ip,
    )
    messages = [
        Message(
            to=handover.from_owner,
            template=SocialEmail.HANDOVER_ANSWERED,
            dedup_key=handover_answered_key(handover.pk, handover.from_owner),
            url=_page(account),
            context={"account": account, "handover": handover},
        )
    ]
    if accept:
        messages += _tell_chief_executive(
            account, by=by, at=now, changes=[("Owner", previous.full_name, by.full_name)]
        )
    notifications_queue_many(messages=messages)
    return handover


@transaction.atomic
def handover_withdraw(*, handover: HandOver, by: User, ip: str | None = None) -> HandOver:
    """The owner takes back an offer not yet answered; the person it was offered to is told,
    as when an offer is withdrawn by another change."""
    account = _locked(handover.account)
    _check_owner(by, account)
    handover = _locked_open(handover)
    (withdrawn,) = handovers_withdraw(
        HandOver.objects.filter(pk=handover.pk),
        why=f"{by.full_name} took the offer back",
        at=timezone.now(),
        by=by,
    )
    return withdrawn


# ---- Closure ----------------------------------------------------------------------------


def decider_may_close(account: Account) -> bool:
    """A decider closes an account only with a closure order on record, or when its owner has
    left and nobody else would: never outright, behind the owner's back."""
    return needs_new_owner(account) or open_closure_order(account) is not None


@transaction.atomic
def account_close(
    *,
    account: Account,
    reason: str,
    deleted_on_platform: bool,
    by: User,
    ip: str | None = None,
) -> Account:
    """The owner (or the Chief Executive or a delegate, after ordering it or once its owner has
    left) closes the account, confirming it was deleted on the platform. The record and its
    credentials are kept."""
    account = _locked(account)
    if by.pk != account.owner_id:
        if not is_decider(by):
            raise PermissionDenied
        if not decider_may_close(account):
            raise ValidationError(
                "Order the account closed first: its owner then deletes it and confirms it "
                "here. You close it yourself only once it has been ordered closed, or when its "
                "owner has left."
            )
    _check_running(account)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the account is closing.")
    if not deleted_on_platform:
        raise ValidationError(
            "Delete the account on the platform first, then confirm here that it is gone."
        )
    now = timezone.now()
    previous = account.status
    account.status = Account.Status.CLOSED
    account.closed_at, account.closed_by, account.closed_reason = now, by, reason
    account.deleted_on_platform = True
    account.save(
        update_fields=["status", "closed_at", "closed_by", "closed_reason", "deleted_on_platform"]
    )
    handovers_withdraw(account.handovers.all(), why=CLOSED, at=now, by=by)
    audit_record(
        verb=SocialEvent.CLOSED,
        actor=by,
        obj=account,
        changes={
            "status": {"from": previous, "to": account.status},
            "reason": reason,
            "deleted_on_platform": True,
        },
        ip=ip,
    )
    told: dict[int | str, User | str] = {
        p.pk if isinstance(p, User) else p: p for p in chief_executive_recipients()
    }
    if account.owner.is_active:
        told.setdefault(account.owner_id, account.owner)
    told.pop(by.pk, None)
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.ACCOUNT_CLOSED,
                dedup_key=account_closed_key(account.pk, person),
                url=_page(account),
                context={"account": account, "by": by},
            )
            for person in told.values()
        ]
    )
    return account


# ---- The Chief Executive's orders (paragraph 22) ----------------------------------------


def open_closure_order(account: Account) -> Decision | None:
    """The Chief Executive's order to close a running account, if one was given: it stands
    until the account closes (nothing lifts it), whatever order came after. One query."""
    if not account.is_running:
        return None
    return (
        Decision.objects.filter(account=account, outcome=Decision.Outcome.CLOSURE_ORDERED)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _check_no_closure_order(account: Account) -> None:
    # A suspension or its lifting would read as the account's latest word and hide the order.
    if open_closure_order(account) is not None:
        raise ValidationError(
            "This account has been ordered closed: it is to be deleted, not suspended or "
            "reinstated. Its owner (or you, once it is deleted) confirms the closure."
        )


def _order(
    account: Account,
    *,
    outcome: str,
    reason: str,
    by: User,
    ip: str | None,
    verb: str,
    status_to: str,
) -> Decision:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason: it is sent to the owner.")
    if by.pk == account.owner_id:
        raise ValidationError(
            "You own this account: another decider gives orders about it, so nobody decides "
            "on their own account."
        )
    now = timezone.now()
    decision = Decision.objects.create(
        account=account,
        outcome=outcome,
        reason=reason,
        decided_by=by,
        as_delegate=acts_as_delegate(by),
        decided_at=now,
    )
    audit_record(
        verb=verb,
        actor=by,
        obj=account,
        changes={
            "status": {"from": account.status, "to": status_to},
            "reason": reason,
            "decision": decision.pk,
        },
        ip=ip,
    )
    # An owner who has left cannot act on it: the Chief Executive, who names the new owner,
    # is sent it instead.
    owner_gone = not account.owner.is_active
    told: list[User | str] = chief_executive_recipients() if owner_gone else [account.owner]
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.ACCOUNT_ORDER,
                dedup_key=(
                    account_order_instead_key(decision.pk, person)
                    if owner_gone
                    else account_order_key(decision.pk)
                ),
                url=_page(account),
                context={"account": account, "decision": decision, "owner_gone": owner_gone},
            )
            for person in told
        ]
    )
    return decision


def _check_decider(by: User) -> None:
    if not is_decider(by):
        raise PermissionDenied


@transaction.atomic
def account_suspend(*, account: Account, reason: str, by: User, ip: str | None = None) -> Decision:
    """Suspend an active account pending changes; the reason goes to the owner."""
    _check_decider(by)
    account = _locked(account)
    if account.status != Account.Status.ACTIVE:
        raise ValidationError("Only an active account can be suspended.")
    _check_no_closure_order(account)
    decision = _order(
        account,
        outcome=Decision.Outcome.SUSPENDED,
        reason=reason,
        by=by,
        ip=ip,
        verb=SocialEvent.SUSPENDED,
        status_to=Account.Status.SUSPENDED,
    )
    account.status = Account.Status.SUSPENDED
    account.suspended_at, account.suspended_reason = decision.decided_at, decision.reason
    account.save(update_fields=["status", "suspended_at", "suspended_reason"])
    return decision


@transaction.atomic
def account_reinstate(
    *, account: Account, reason: str, by: User, ip: str | None = None
) -> Decision:
    """Lift a suspension: the account is active again."""
    _check_decider(by)
    account = _locked(account)
    if account.status != Account.Status.SUSPENDED:
        raise ValidationError("This account is not suspended.")
    _check_no_closure_order(account)
    decision = _order(
        account,
        outcome=Decision.Outcome.REINSTATED,
        reason=reason,
        by=by,
        ip=ip,
        verb=SocialEvent.REINSTATED,
        status_to=Account.Status.ACTIVE,
    )
    account.status = Account.Status.ACTIVE
    account.suspended_at, account.suspended_reason = None, ""
    account.save(update_fields=["status", "suspended_at", "suspended_reason"])
    return decision


@transaction.atomic
def account_order_closure(
    *, account: Account, reason: str, by: User, ip: str | None = None
) -> Decision:
    """Order an account that does not comply closed: the owner is told to delete it on the
    platform and confirm it here (account_close)."""
    _check_decider(by)
    account = _locked(account)
    _check_running(account)
    if open_closure_order(account) is not None:
        raise ValidationError("This account has already been ordered closed.")
    return _order(
        account,
        outcome=Decision.Outcome.CLOSURE_ORDERED,
        reason=reason,
        by=by,
        ip=ip,
        verb=SocialEvent.CLOSURE_ORDERED,
        status_to=account.status,
    )
