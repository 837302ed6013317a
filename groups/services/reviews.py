"""The periodic review of an approved group: its admin confirms the purpose still holds and the
membership is right (or closes the group instead). A sweep reminds the admin when a review
falls due and tells the DPO when it is overdue.

The sweep compares instants (`review_due_at <= now + ahead`), never dates, so a scheduler that
was down catches up when it returns. Each message's key names the group and its review date,
so a sweep run twice, or two at once, sends each once; a review done moves the date on, and
the next date earns its own messages.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, Review
from groups.outbox import review_due_key, review_overdue_key
from groups.selectors import data_protection_officers
from portal.lib.uktime import months_on
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# The admin is reminded this long before the review date, and the group page says it is due.
REVIEW_NOTICE = timedelta(days=30)
# The DPO is told once a review is this late.
REVIEW_OVERDUE_AFTER = timedelta(days=14)
BATCH_SIZE = 500


def review_is_due(group: ChatGroup, now: datetime) -> bool:
    return (
        group.status == ChatGroup.Status.APPROVED
        and group.review_due_at is not None
        and group.review_due_at - REVIEW_NOTICE <= now
    )


@transaction.atomic
def chat_group_review(
    *,
    group: ChatGroup,
    by: User,
    purpose_holds: bool,
    membership_right: bool,
    notes: str = "",
    ip: str | None = None,
) -> Review:
    """The admin confirms the group's purpose still holds and its membership is right. The next
    review falls due one review interval (an organisation setting) from now."""
    if group.status != ChatGroup.Status.APPROVED:
        raise ValidationError("Only an approved group is reviewed.")
    if not (purpose_holds and membership_right):
        raise ValidationError(
            "A review confirms both that the purpose still holds and that the membership is "
            "right. If either is not so, change the membership first, or close the group."
        )
    now = timezone.now()
    review = Review.objects.create(
        group=group,
        reviewed_by=by,
        reviewed_at=now,
        purpose_holds=True,
        membership_right=True,
        notes=notes.strip(),
    )
    previous_due = group.review_due_at
    group.last_reviewed_at = now
    group.review_due_at = months_on(now, OrganisationSettings.load().chat_group_review_months)
    group.save(update_fields=["last_reviewed_at", "review_due_at", "updated_at"])
    audit_record(
        verb=GroupEvent.REVIEWED,
        actor=by,
        obj=group,
        changes={
            "review": review.pk,
            "was_due_at": previous_due,
            "next_due_at": group.review_due_at,
            "notes": review.notes,
        },
        ip=ip,
    )
    return review


@dataclass
class ReviewSweepResult:
    reminded: int = 0
    dpo_told: int = 0


def conducts_review(user: User, group: ChatGroup) -> bool:
    """The admin reviews the group; the deputy does while the group needs an admin."""
    return user.pk == (group.deputy_id if group.needs_admin else group.admin_id)


def _reviewer(group: ChatGroup) -> User | None:
    """The admin, or the deputy while the group needs an admin."""
    person = group.deputy if group.needs_admin else group.admin
    return person if person is not None and person.is_active else None


def chat_group_reviews_remind(*, now: datetime | None = None) -> ReviewSweepResult:
    """Remind each admin whose review falls due, and tell the DPO of reviews overdue. Safe to
    run twice. Works through the groups in batches by id, each batch in one transaction."""
    now = now or timezone.now()
    result = ReviewSweepResult()
    due = ChatGroup.objects.approved().filter(review_due_at__lte=now + REVIEW_NOTICE)
    dpos = list(data_protection_officers())
    after = 0
    while True:
        with transaction.atomic():
            batch = list(
                due.filter(pk__gt=after)
                .select_related("admin", "deputy")
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                return result
            after = batch[-1].pk
            _remind_batch(batch, dpos, now, result)


def _remind_batch(
    groups: list[ChatGroup], dpos: list[User], now: datetime, result: ReviewSweepResult
) -> None:
    reminders: list[Message] = []
    overdue: list[Message] = []
    for group in groups:
        assert group.review_due_at is not None  # the sweep selects groups with a date
        due_at = timezone.localtime(group.review_due_at)
        reviewer = _reviewer(group)
        if reviewer is not None:
            reminders.append(
                Message(
                    to=reviewer,
                    template=GroupEmail.REVIEW_DUE,
                    dedup_key=review_due_key(group.pk, group.review_due_at, reviewer.pk),
                    url=reverse("groups:review", args=[group.pk]),
                    context={"group": group, "due_at": due_at},
                )
            )
        if group.review_due_at + REVIEW_OVERDUE_AFTER <= now:
            overdue.extend(
                Message(
                    to=dpo,
                    template=GroupEmail.REVIEW_OVERDUE,
                    dedup_key=review_overdue_key(group.pk, group.review_due_at, dpo.pk),
                    url=reverse("groups:group", args=[group.pk]),
                    context={"group": group, "due_at": due_at, "reviewer": reviewer},
                )
                for dpo in dpos
            )
    reminded = notifications_queue_many(messages=reminders)
    told = notifications_queue_many(messages=overdue)
    if reminded or told:
        result.reminded += reminded
        result.dpo_told += told
        audit_record(
            verb=GroupEvent.REVIEW_REMINDERS_QUEUED,
            changes={
                "groups": [g.pk for g in groups],
                "admins_reminded": reminded,
                "dpo_told": told,
            },
        )
