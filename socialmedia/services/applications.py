"""Applying for a corporate social media account, revising the application when changes were
asked for, and the Chief Executive's (or a delegate's) decision on it in writing (seed 004,
paragraphs 20 and 21).

The applicant becomes the owner and is on the team with the colleagues they named: at least two
people, so that the account can be recovered if one of them is away or leaves. Nobody decides on
their own application: another decider must.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from socialmedia import access
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, Decision, Platform, TeamMember
from socialmedia.outbox import application_decided_key, application_received_key
from socialmedia.selectors import chief_executive_mailbox, deciders

# What the applicant writes, in the order the form and the audit trail show it.
APPLICATION_FIELDS = (
    "platform",
    "other_platform",
    "name",
    "handle",
    "purpose",
    "audience",
    "website_link",
    "content_plan",
)
# Everyone with access, the applicant included: one alone cannot recover a hacked account.
SMALLEST_TEAM = 2

OWN_APPLICATION = (
    "You applied for this account, so you cannot decide on it: another decider must (the "
    "Chief Executive or a delegate who did not apply)."
)
NOT_WAITING = (
    "This application is not waiting for a decision: it may have been decided since you opened "
    "the page."
)
NOT_REVISABLE = (
    "This application can be changed only when the Chief Executive has asked for changes."
)
TEAM_TOO_SMALL = (
    "Name at least one colleague who will also have access: an account only one person can "
    "get into cannot be recovered when they are away or leave."
)
NO_OTHER_DECIDER = (
    "No one else can decide on an application of yours: ask for a delegate to be named first."
)


def applicant_left(applicant: User) -> str:
    """Why an application cannot be approved once its applicant has left: the account would
    be owned by someone who can no longer sign in, answer for it or be told of it."""
    return (
        f"{applicant.full_name} has left the organisation, so the account cannot be approved "
        "for them: refuse the application, and a colleague who still works here can apply."
    )


DECISION_VERBS = {
    Decision.Outcome.APPROVED: (Account.Status.APPROVED, SocialEvent.APPROVED),
    Decision.Outcome.REFUSED: (Account.Status.REFUSED, SocialEvent.REFUSED),
    Decision.Outcome.CHANGES_ASKED: (Account.Status.CHANGES_ASKED, SocialEvent.CHANGES_ASKED),
}


def _cleaned(data: Mapping[str, Any]) -> dict[str, str]:
    values = {name: str(data.get(name) or "").strip() for name in APPLICATION_FIELDS}
    if values["platform"] not in Platform.values:
        raise ValidationError({"platform": "Choose the platform."})
    if values["platform"] == Platform.OTHER:
        if not values["other_platform"]:
            raise ValidationError({"other_platform": "Say which platform."})
    else:
        values["other_platform"] = ""
    missing = [name for name in APPLICATION_FIELDS if name != "other_platform" and not values[name]]
    if missing:
        raise ValidationError({name: "This is needed." for name in missing})
    return values


def _people(applicant: User, team: Sequence[User]) -> dict[int, User]:
    """The applicant first, then each colleague once; all must be able to sign in."""
    people = {applicant.pk: applicant}
    for person in team:
        if not person.is_active:
            raise ValidationError({"team": f"{person.full_name} has left the organisation."})
        people.setdefault(person.pk, person)
    if len(people) < SMALLEST_TEAM:
        raise ValidationError({"team": TEAM_TOO_SMALL})
    return people


def _team_emails(people: Mapping[int, User] | Sequence[User]) -> list[str]:
    listed = people.values() if isinstance(people, Mapping) else people
    return sorted(person.email for person in listed)


def _who_decides(applicant: User) -> list[User | str]:
    """Every decider but the applicant; when there is none, the organisation's Chief Executive
    mailbox, so that an application never waits unseen. A decider applying when they are the
    only one is refused: nobody could ever decide (they may not decide their own), and the
    mailbox is theirs. One query."""
    everyone = deciders()
    others: list[User | str] = [person for person in everyone if person.pk != applicant.pk]
    if others:
        return others
    if len(everyone) > len(others):
        raise ValidationError(NO_OTHER_DECIDER)
    return list(chief_executive_mailbox())


def _tell_deciders(
    account: Account, applicant: User, recipients: Sequence[User | str], *, revised: bool
) -> None:
    """Asks `recipients` (from _who_decides) to decide."""
    url = reverse("socialmedia:decide", args=[account.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=recipient,
                template=SocialEmail.APPLICATION_RECEIVED,
                dedup_key=application_received_key(account.pk, account.submitted_at, recipient),
                url=url,
                context={"account": account, "applicant": applicant, "revised": revised},
            )
            for recipient in recipients
        ]
    )


@transaction.atomic
def account_apply(
    *,
    applicant: User,
    data: Mapping[str, Any],
    team: Sequence[User],
    token: UUID | None = None,
    ip: str | None = None,
) -> Account:
    """Apply for a new corporate account. `data` holds APPLICATION_FIELDS and
    `responsibilities_confirmed` (the applicant's tick); `team` the colleagues who will have
    access (the applicant is added). The deciders are asked to decide.

    `token` is the one-time token of the form it came from: the same form sent again (a double
    click, a resend) returns the account it already made, and makes no other."""
    if token is not None:
        # The applicant's row is held to the end, so the same form sent twice at once waits
        # here and then finds the account the first one made.
        User.objects.select_for_update().filter(pk=applicant.pk).first()
        made = Account.objects.filter(applicant=applicant, submission_token=token).first()
        if made is not None:
            return made
    if not data.get("responsibilities_confirmed"):
        raise ValidationError(
            {"responsibilities_confirmed": "Confirm you understand your responsibilities."}
        )
    values = _cleaned(data)
    people = _people(applicant, team)
    recipients = _who_decides(applicant)
    now = timezone.now()
    account = Account.objects.create(
        **values,
        applicant=applicant,
        owner=applicant,
        status=Account.Status.APPLIED,
        responsibilities_confirmed_at=now,
        submitted_at=now,
        submission_token=token,
    )
    TeamMember.objects.bulk_create(
        TeamMember(account=account, user=person, added_at=now, added_by=applicant)
        for person in people.values()
    )
    audit_record(
        verb=SocialEvent.APPLIED,
        actor=applicant,
        obj=account,
        changes={
            **{name: {"from": None, "to": value} for name, value in values.items() if value},
            "team": {"from": None, "to": _team_emails(people)},
            "status": {"from": None, "to": account.status},
        },
        ip=ip,
    )
    _tell_deciders(account, applicant, recipients, revised=False)
    return account


@transaction.atomic
def account_application_revise(
    *,
    account: Account,
    data: Mapping[str, Any],
    team: Sequence[User],
    by: User,
    ip: str | None = None,
) -> Account:
    """The applicant changes what was asked for and sends it again: each change is recorded
    from and to (the team's too), and the deciders are asked again."""
    current = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
    if by.pk != current.applicant_id:
        raise PermissionDenied("Only the applicant can revise an application.")
    if current.status != Account.Status.CHANGES_ASKED:
        raise ValidationError(NOT_REVISABLE)
    if not data.get("responsibilities_confirmed"):
        raise ValidationError(
            {"responsibilities_confirmed": "Confirm you understand your responsibilities."}
        )
    values = _cleaned(data)
    people = _people(by, team)
    recipients = _who_decides(by)
    now = timezone.now()
    changes: dict[str, Any] = {
        name: {"from": getattr(current, name), "to": value}
        for name, value in values.items()
        if getattr(current, name) != value
    }
    rows = {row.user_id: row for row in current.team.current().select_related("user")}
    before = _team_emails([row.user for row in rows.values()])
    gone = [row.pk for user_id, row in rows.items() if user_id not in people]
    if gone:
        TeamMember.objects.filter(pk__in=gone).update(
            removed_at=now, removed_by=by, removal_reason="Taken off the application."
        )
    TeamMember.objects.bulk_create(
        TeamMember(account=current, user=person, added_at=now, added_by=by)
        for user_id, person in people.items()
        if user_id not in rows
    )
    after = _team_emails(people)
    if before != after:
        changes["team"] = {"from": before, "to": after}
    for name, value in values.items():
        setattr(current, name, value)
    changes["status"] = {"from": current.status, "to": Account.Status.APPLIED}
    current.status = Account.Status.APPLIED
    current.responsibilities_confirmed_at = now
    # When the application as it now stands was sent: what the deciders' queue waits from.
    current.submitted_at = now
    current.save()
    audit_record(
        verb=SocialEvent.APPLICATION_REVISED, actor=by, obj=current, changes=changes, ip=ip
    )
    _tell_deciders(current, by, recipients, revised=True)
    return current


@transaction.atomic
def account_decide(
    *,
    account: Account,
    outcome: str,
    reason: str,
    by: User,
    ip: str | None = None,
) -> Decision:
    """The Chief Executive's or a delegate's decision in writing: approve, refuse or ask for
    changes, always with the reason. The applicant is told the decision, the reason, who and
    when."""
    if not access.is_decider(by):
        raise PermissionDenied("Only the Chief Executive or a delegate decides on applications.")
    if outcome not in DECISION_VERBS:
        raise ValidationError({"outcome": "Choose approve, ask for changes or refuse."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason: it is the decision in writing."})
    current = (
        Account.objects.select_for_update(of=("self",))
        .select_related("applicant")
        .get(pk=account.pk)
    )
    if current.applicant_id == by.pk:
        raise ValidationError(OWN_APPLICATION)
    if current.status != Account.Status.APPLIED:
        raise ValidationError(NOT_WAITING)
    if outcome == Decision.Outcome.APPROVED and not current.applicant.is_active:
        raise ValidationError(applicant_left(current.applicant))
    status, verb = DECISION_VERBS[Decision.Outcome(outcome)]
    now = timezone.now()
    decision = Decision.objects.create(
        account=current,
        outcome=outcome,
        reason=reason,
        decided_by=by,
        as_delegate=access.acts_as_delegate(by),
        decided_at=now,
    )
    changes = {
        "status": {"from": current.status, "to": status},
        "reason": reason,
        "decision": decision.pk,
        "as_delegate": decision.as_delegate,
    }
    current.status = status
    current.decided_at = now
    current.decided_by = by
    current.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(verb=verb, actor=by, obj=current, changes=changes, ip=ip)
    applicant = current.applicant
    if applicant.is_active:
        notifications_queue_many(
            messages=[
                Message(
                    to=applicant,
                    template=SocialEmail.APPLICATION_DECIDED,
                    dedup_key=application_decided_key(decision.pk, applicant),
                    url=reverse("socialmedia:account", args=[current.pk]),
                    context={"account": current, "decision": decision, "decided_by": by},
                )
            ]
        )
    return decision
