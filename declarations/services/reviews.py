"""Policy reviews: each policy has a review date; its owner is reminded REVIEW_REMINDER_DAYS
before it and told once it has passed, each once per review date. Recording a review sets the
next date.

The reminder sweep works as the declarations sweep does (services/reminders.py): each policy
carries `next_review_reminder_at`, the instant its owner next hears from us; the sweep compares
instants (`<= now`, never `date == today`, so a sweep that was down catches up once), locks the
rows it works on and claims each with a conditional UPDATE on the values it read, in the same
transaction as the outbox rows; and every message has a dedup key naming the policy, the review
date and the person, so no one hears twice of one review date.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Policy
from declarations.outbox import review_reminder_key
from declarations.selectors import policy_administrators
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import SweepClaimConflict, in_locked_batches
from portal.lib.uktime import long_date, start_of_day
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# The owner hears this many days before the review date (a month: time to gather comments).
REVIEW_REMINDER_DAYS = 30
BATCH_SIZE = 500
REVIEW_SWEEP_LOCK = AdvisoryLock("declarations.policy_reviews")

PAST_REVIEW_DATE = "The review date cannot be in the past. Enter today's date or a later one."


def review_date_check(review_date: date) -> None:
    if review_date < timezone.localdate():
        raise ValidationError({"review_date": PAST_REVIEW_DATE})


def review_reminder_at(review_date: date) -> datetime:
    """When the owner is first reminded: the start of the day, REVIEW_REMINDER_DAYS before."""
    return start_of_day(review_date - timedelta(days=REVIEW_REMINDER_DAYS))


def review_overdue_at(review_date: date) -> datetime:
    """When the review is overdue: once its day has passed (UK time)."""
    return start_of_day(review_date + timedelta(days=1))


def review_schedule(policy: Policy) -> None:
    """Set when the owner next hears of the review date (not saved). An instant already past
    is picked up by the next sweep, which sends what is due then: a date set inside the
    reminder period is reminded of at once, and one already passed is told as overdue."""
    policy.next_review_reminder_at = review_reminder_at(policy.review_date)


@transaction.atomic
def policy_review_record(
    *, policy: Policy, by: User, next_review_date: date, note: str = "", ip=None
) -> Policy:
    """A review of the policy was done: record who and when, and set the next review date."""
    if next_review_date <= timezone.localdate():
        raise ValidationError({"next_review_date": "The next review date must be after today."})
    current = Policy.objects.select_for_update().get(pk=policy.pk)
    before = current.review_date
    current.review_date = next_review_date
    current.last_reviewed_at = timezone.now()
    current.last_reviewed_by = by
    review_schedule(current)
    current.save(
        update_fields=[
            "review_date",
            "last_reviewed_at",
            "last_reviewed_by",
            "next_review_reminder_at",
        ]
    )
    audit_record(
        verb=DeclarationEvent.POLICY_REVIEWED,
        actor=by,
        obj=current,
        changes={
            "review_date": {"from": before, "to": next_review_date},
            "note": note.strip(),
        },
        ip=ip,
    )
    return current


@dataclass
class ReviewSweepResult:
    due: int = 0
    overdue: int = 0
    skipped: bool = False


def policy_reviews_remind(*, now: datetime | None = None) -> ReviewSweepResult:
    """Remind owners of review dates that are coming, and tell them of those that have passed."""
    now = now or timezone.now()
    result = ReviewSweepResult()
    with single_run(REVIEW_SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.skipped = True
            return result
        due = Policy.objects.filter(next_review_reminder_at__lte=now).select_related("owner")
        in_locked_batches(
            due,
            lambda rows: _remind_batch(rows=rows, now=now, result=result),
            size=BATCH_SIZE,
            name="Policy review sweep",
        )
    return result


def _recipients(policy: Policy, admins: list[User]) -> list[User]:
    """The owner; with no owner (or one who has left), every policy administrator."""
    if policy.owner is not None and policy.owner.is_active:
        return [policy.owner]
    return admins


def _remind_batch(*, rows: list[Policy], now: datetime, result: ReviewSweepResult) -> None:
    admins = list(policy_administrators())
    groups: dict[tuple, list[int]] = defaultdict(list)
    messages: list[Message] = []
    sent: dict[str, list[int]] = defaultdict(list)
    for policy in rows:
        overdue_at = review_overdue_at(policy.review_date)
        overdue = now >= overdue_at
        upcoming = None if overdue else overdue_at
        groups[(policy.next_review_reminder_at, policy.review_date, upcoming)].append(policy.pk)
        sent["overdue" if overdue else "due"].append(policy.pk)
        url = reverse("declarations:admin_policy", args=[policy.slug])
        for person in _recipients(policy, admins):
            messages.append(
                Message(
                    to=person,
                    template=DeclarationEmail.POLICY_REVIEW_OVERDUE
                    if overdue
                    else DeclarationEmail.POLICY_REVIEW_DUE,
                    dedup_key=review_reminder_key(
                        policy.pk, policy.review_date, overdue, person.pk
                    ),
                    url=url,
                    context={
                        "policy": policy,
                        "review_date": long_date(policy.review_date),
                        "is_owner": person.pk == policy.owner_id,
                    },
                )
            )
    for (read, review_date, upcoming), pks in groups.items():
        claimed = Policy.objects.filter(
            pk__in=pks, next_review_reminder_at=read, review_date=review_date
        ).update(next_review_reminder_at=upcoming)
        if claimed != len(pks):
            raise SweepClaimConflict(f"{len(pks) - claimed} policies changed under the claim")
    notifications_queue_many(messages=messages)
    result.due += len(sent.get("due", []))
    result.overdue += len(sent.get("overdue", []))
    audit_record(
        verb=DeclarationEvent.POLICY_REVIEW_REMINDERS_QUEUED, changes={"policies": dict(sent)}
    )
