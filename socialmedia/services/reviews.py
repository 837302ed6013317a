"""The owner's periodic review of a running account (seed 004, paragraphs 21, 23 and 24): the
account is accurate and current, its profile links back to the main website, and the team
listed in the portal is everyone with access. Anything not so is said, with what the owner will
do about it: a review is a record of how the account stood, not a test to pass.

The next review falls due one review interval (an organisation setting, default quarterly) from
the review; the reminders sweep (socialmedia/services/reminders.py) chases it.

A review saying the team listed is not everyone with access, or that the profile does not link
back, is told to the Chief Executive with the owner's note (paragraph 23: they keep the
register); the first also marks the password due for change, as any change of who has access
does.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, Review
from socialmedia.outbox import review_concerns_key
from socialmedia.selectors import chief_executive_recipients
from socialmedia.services.review_dates import next_review_due
from socialmedia.services.rotation_due import mark_rotation_due

# The owner's page says a review is due this long before its date: time to do it unhurried.
REVIEW_NOTICE = timedelta(days=14)
# A review still not done this long after its date is "overdue" and goes to the Chief
# Executive; before that, once its date has passed, it is "due". Every page and the register
# use these two words in these two senses.
REVIEW_OVERDUE_AFTER = timedelta(days=14)
# A second review by the same owner this soon after the first is the same form sent twice (a
# double click, a resend): the first is kept and returned, and nothing more is written.
SAME_REVIEW_WITHIN = timedelta(minutes=10)
TEAM_NOT_RIGHT = "the owner's review says the team listed is not everyone with access"
NOTES_REQUIRED = (
    "Say what you will do about each point you could not confirm (for example, who should "
    "come off the team, or when the profile will link back to the website)."
)


def review_is_due(account: Account, now: datetime) -> bool:
    """Whether the owner should be asked now: due, or due within REVIEW_NOTICE."""
    return (
        account.is_running
        and account.review_due_at is not None
        and account.review_due_at - REVIEW_NOTICE <= now
    )


def review_standing(account: Account, now: datetime) -> str:
    """ "overdue" (REVIEW_OVERDUE_AFTER past its date: the Chief Executive is told), "due" (its
    date has passed) or "" (not yet, or not a running account)."""
    if not account.is_running or account.review_due_at is None or account.review_due_at > now:
        return ""
    return "overdue" if account.review_due_at <= now - REVIEW_OVERDUE_AFTER else "due"


@transaction.atomic
def account_review(
    *,
    account: Account,
    accurate: bool,
    links_back: bool,
    team_right: bool,
    notes: str,
    by: User,
    ip: str | None = None,
) -> Review:
    """Record the owner's review and move the next one on an interval from now. A review by
    the same owner within SAME_REVIEW_WITHIN of the last returns that one instead."""
    # Locked, so two reviews sent at once are recorded one after the other, each moving the
    # date on from what the other left.
    account = Account.objects.select_for_update().get(pk=account.pk)
    if not account.is_running:
        raise ValidationError("Only an account that is open is reviewed; this one is not.")
    if by.pk != account.owner_id:
        raise ValidationError("Only the account's owner reviews it.")
    notes = notes.strip()
    if not (accurate and links_back and team_right) and not notes:
        raise ValidationError(NOTES_REQUIRED)
    now = timezone.now()
    # Read under the account's lock: a second send waits for the first and finds its review.
    recent = (
        Review.objects.filter(
            account=account, reviewed_by=by, reviewed_at__gte=now - SAME_REVIEW_WITHIN
        )
        .order_by("-reviewed_at", "-pk")
        .first()
    )
    if recent is not None:
        return recent
    review = Review.objects.create(
        account=account,
        reviewed_by=by,
        reviewed_at=now,
        accurate=accurate,
        links_back=links_back,
        team_right=team_right,
        notes=notes,
    )
    before = {"last_reviewed_at": account.last_reviewed_at, "review_due_at": account.review_due_at}
    account.last_reviewed_at = now
    account.review_due_at = next_review_due(now)
    account.save(update_fields=["last_reviewed_at", "review_due_at"])
    audit_record(
        verb=SocialEvent.REVIEWED,
        actor=by,
        obj=account,
        changes={
            "review": review.pk,
            "accurate": accurate,
            "links_back": links_back,
            "team_right": team_right,
            "notes": notes,
            **{
                field: {"from": was, "to": getattr(account, field)} for field, was in before.items()
            },
        },
        ip=ip,
    )
    if not team_right:
        # Someone not listed may know the password: as with any change of who has access.
        mark_rotation_due([account], reason=TEAM_NOT_RIGHT, at=now, by=by)
    if not (team_right and links_back):
        _tell_chief_executive(account, review)
    return review


def _tell_chief_executive(account: Account, review: Review) -> None:
    """The Chief Executive (or their mailbox) hears what the owner found and will do: the
    owner's review is otherwise read by nobody. Not the owner, who wrote it."""
    url = reverse("socialmedia:account", args=[account.pk])
    messages = []
    for person in chief_executive_recipients():
        if isinstance(person, User) and person.pk == review.reviewed_by_id:
            continue
        recipient = person.pk if isinstance(person, User) else person
        messages.append(
            Message(
                to=person,
                template=SocialEmail.REVIEW_CONCERNS,
                dedup_key=review_concerns_key(review.pk, recipient),
                url=url,
                context={"account": account, "review": review, "owner": review.reviewed_by},
            )
        )
    notifications_queue_many(messages=messages)
