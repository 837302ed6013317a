"""When someone leaves the organisation (portal's user_deactivate, through the leaver hook):
off every account team at once; a new password due on each running account they had access
to, and on each whose password they were ever shown; the Chief Executive asked to name a new
owner for each account they owned, from its team."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.access import is_decider
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, HandOver, Reveal, TeamMember
from socialmedia.outbox import account_changed_key, needs_owner_key, owner_assigned_key
from socialmedia.selectors import chief_executive_recipients
from socialmedia.services.handovers_withdrawn import NEW_OWNER, handovers_withdraw
from socialmedia.services.rotation_due import mark_rotation_due

LEFT_THE_ORGANISATION = "left the organisation"
# An account still to be opened or running: one whose owner matters.
OWNED = (Account.Status.APPROVED, Account.Status.ACTIVE, Account.Status.SUSPENDED)


def needs_new_owner(account: Account) -> bool:
    """The owner left and nobody has been named in their place (the page says so)."""
    return account.status in OWNED and not account.owner.is_active


def social_accounts_remove_leaver(*, user: User, by: User | None) -> None:
    """The leaver hook, run inside user_deactivate's transaction. A fixed number of queries
    however many accounts the leaver had to do with."""
    now = timezone.now()
    shown = Reveal.objects.filter(by_id=user.pk, outcome=Reveal.Outcome.SHOWN)
    offered = HandOver.objects.filter(to_owner_id=user.pk, answered_at__isnull=True)
    # Lock order, as team_member_remove and handover_answer take it: the accounts (by pk), then
    # their team rows and hand-overs. Locking a team row or hand-over first would deadlock with
    # either of them; the rotation mark below updates these accounts too.
    list(
        Account.objects.select_for_update(of=("self",))
        .filter(
            Q(pk__in=TeamMember.objects.current().filter(user_id=user.pk).values("account_id"))
            | Q(pk__in=shown.values("account_id"))
            | Q(pk__in=offered.values("account_id"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = list(
        TeamMember.objects.current()
        .filter(user_id=user.pk)
        .select_related("account")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if rows:
        # removed_at still empty: a row ended meanwhile keeps who ended it and why.
        TeamMember.objects.filter(pk__in=[row.pk for row in rows], removed_at__isnull=True).update(
            removed_at=now, removed_by=by, removal_reason=LEFT_THE_ORGANISATION
        )
    # A hand-over offered to the leaver can no longer be accepted.
    handovers_withdraw(offered, why=LEFT_THE_ORGANISATION, at=now, by=by)
    on_team = {row.account_id for row in rows}
    seen = (
        Account.objects.running().filter(pk__in=shown.values("account_id")).exclude(pk__in=on_team)
    )
    seen_ids = list(seen.values_list("pk", flat=True))
    owned = list(Account.objects.filter(owner_id=user.pk, status__in=OWNED).order_by("pk"))
    if rows:
        mark_rotation_due(
            [row.account for row in rows],
            reason=f"{user.full_name}, on the team, left the organisation",
            at=now,
            by=by,
        )
        audit_record_many(
            drafts=[
                AuditDraft(
                    SocialEvent.LEAVER_REMOVED,
                    actor=by,
                    obj=row.account,
                    changes={
                        "member": user.email,
                        "reason": LEFT_THE_ORGANISATION,
                        "was_owner": row.account.owner_id == user.pk,
                    },
                )
                for row in rows
            ]
        )
    if seen_ids:
        mark_rotation_due(
            [Account(pk=pk) for pk in seen_ids],
            reason=f"{user.full_name}, who was shown the password, left the organisation",
            at=now,
            by=by,
        )
    if owned:
        _ask_for_new_owners(owned, user)


def _ask_for_new_owners(accounts: list[Account], leaver: User) -> None:
    told = chief_executive_recipients()
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.NEEDS_OWNER,
                dedup_key=needs_owner_key(account.pk, leaver.pk, person),
                url=reverse("socialmedia:owner_assign", args=[account.pk]),
                context={"account": account, "leaver": leaver},
            )
            for account in accounts
            for person in told
        ]
    )


def new_owner_candidates(account: Account):
    """Who may be named owner: active people on the account's current team, never someone
    off it (an account never becomes anyone's own)."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=TeamMember.objects.current().filter(account=account).values("user_id"),
        )
        .exclude(pk=account.owner_id)
        .order_by("full_name", "pk")
    )


@transaction.atomic
def account_owner_assign(
    *, account: Account, new_owner: User, by: User, ip: str | None = None
) -> Account:
    """The Chief Executive (or a delegate) names the new owner of an account whose owner left,
    from its current team. The new owner and the Chief Executive are told."""
    if not is_decider(by):
        raise PermissionDenied
    account = (
        Account.objects.select_for_update(of=("self",)).select_related("owner").get(pk=account.pk)
    )
    if not needs_new_owner(account):
        raise ValidationError(
            "This account's owner still works here: they hand it over themselves."
        )
    if new_owner.pk == by.pk:
        raise ValidationError(
            "You cannot name yourself: another decider names you, so nobody decides on their "
            "own behalf."
        )
    if not new_owner_candidates(account).filter(pk=new_owner.pk).exists():
        raise ValidationError(
            f"{new_owner.full_name} is not on this account's team, or no longer works here: "
            "the owner must be someone on the team."
        )
    previous = account.owner
    now = timezone.now()
    account.owner = new_owner
    account.save(update_fields=["owner"])
    handovers_withdraw(account.handovers.all(), why=NEW_OWNER, at=now, by=by)
    audit_record(
        verb=SocialEvent.OWNER_ASSIGNED,
        actor=by,
        obj=account,
        changes={"owner": {"from": previous.email, "to": new_owner.email}},
        ip=ip,
    )
    url = reverse("socialmedia:account", args=[account.pk])
    messages = [
        Message(
            to=new_owner,
            template=SocialEmail.OWNER_ASSIGNED,
            dedup_key=owner_assigned_key(account.pk, new_owner.pk, now),
            url=url,
            context={"account": account, "previous": previous, "by": by},
        )
    ]
    messages += [
        Message(
            to=person,
            template=SocialEmail.ACCOUNT_CHANGED,
            dedup_key=account_changed_key(account.pk, person, now),
            url=url,
            context={
                "account": account,
                "by": by,
                "changes": [("Owner", previous.full_name, new_owner.full_name)],
            },
        )
        for person in chief_executive_recipients()
    ]
    notifications_queue_many(messages=messages)
    return account
