"""Who can be sent a reminder by hand ("Remind now"), and why not: the one definition.

A person can be reminded while they still have to sign in an open campaign, and at most once a
day by hand, whoever asks (the outbox key, declarations.outbox.remind_now_key, is what
enforces that; the rule here only says so before anyone presses the button). Every page and
service asks `with_refusal`, so a new reason not to remind someone (an exemption) is one more
line in `refusals`, and every list, count and service follows it.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, CharField, Count, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from declarations.models import Campaign, Obligation
from declarations.outbox import remind_now_key, remind_now_key_of_row, remind_now_senders
from portal.lib.uktime import clock
from portal.models import Notification

# How many people one bulk send reminds at most: rendering each email takes a moment, and a
# page that sends for minutes would time out. The rest are reminded by sending again.
BULK_LIMIT = 500


@dataclass(frozen=True)
class Refusal:
    code: str
    # Said of one person (with {name} and {campaign}), and after a count of people (one, many).
    one: str
    many: tuple[str, str]
    when: Q


def refusals() -> tuple[Refusal, ...]:
    """Why a person cannot be reminded, in order: the first that applies is the reason given.
    `reminded_now_at` is annotated by `with_refusal`."""
    return (
        Refusal(
            "not_open",
            "{campaign} is not open: only people in an open campaign can be reminded.",
            ("is in a campaign that is not open", "are in a campaign that is not open"),
            ~Q(campaign__status=Campaign.Status.OPEN),
        ),
        Refusal(
            "left",
            "{name} has left: their account is closed, so they cannot be reminded.",
            ("has left", "have left"),
            Q(user__is_active=False),
        ),
        Refusal(
            "signed",
            "{name} has already signed {campaign}.",
            ("has already signed", "have already signed"),
            Q(status=Obligation.Status.SIGNED),
        ),
        Refusal(
            "paused",
            "{name}'s declaration is paused, so they are not reminded. Resume it first if "
            "they should sign now.",
            ("is paused", "are paused"),
            Q(status=Obligation.Status.PAUSED),
        ),
        Refusal(
            "exempt",
            "{name} is exempt from {campaign} for now, so they are not reminded. End the "
            "exemption first if they should sign now.",
            ("is exempt", "are exempt"),
            Q(status=Obligation.Status.EXEMPT),
        ),
        # Whatever else is not "to sign" (no longer required, and any status added later).
        Refusal(
            "not_required",
            "{name} does not need to sign {campaign}.",
            ("does not need to sign", "do not need to sign"),
            ~Q(status=Obligation.Status.PENDING),
        ),
        Refusal(
            "reminded_today",
            "{name} has already been reminded today.",
            ("was already reminded today", "were already reminded today"),
            Q(reminded_now_at__isnull=False),
        ),
    )


REFUSALS = {refusal.code: refusal for refusal in refusals()}
# The name of the annotation with_refusal adds (by name, where a query groups or filters on it).
CANNOT_REMIND = "cannot_remind"


def with_refusal(obligations: QuerySet[Obligation], *, day: date) -> QuerySet[Obligation]:
    """The obligations, each annotated in the same query with `reminded_now_at` (when a
    reminder was sent by hand on `day`, a UK calendar day, or None) and `cannot_remind` (the
    code of the first refusal that applies, or "" when they can be reminded now)."""
    sent_today = Notification.objects.filter(dedup_key=remind_now_key_of_row(day))
    # By name: the model declares both attributes for the type checker (models.Obligation).
    reminded = {"reminded_now_at": Subquery(sent_today.values("created_at")[:1])}
    refusal = Case(
        *(When(refusal.when, then=Value(refusal.code)) for refusal in refusals()),
        default=Value(""),
        output_field=CharField(),
    )
    return obligations.annotate(**reminded).annotate(**{CANNOT_REMIND: refusal})


def refusal_text(obligation: Obligation, code: str, reminded_now_at: datetime | None) -> str:
    """Why this one person cannot be reminded now (`code`, `reminded_now_at`: what
    `with_refusal` annotates), in plain words; for a reminder already sent by hand today, when
    and by whom (one query)."""
    refusal = REFUSALS[code]
    if refusal.code != "reminded_today":
        return refusal.one.format(name=obligation.user.full_name, campaign=obligation.campaign.name)
    assert reminded_now_at is not None  # what made it refused
    key = remind_now_key(obligation.pk, timezone.localdate(reminded_now_at))
    sender = remind_now_senders(obligation).get(key)
    return (
        f"{obligation.user.full_name} was already reminded today at {clock(reminded_now_at)}"
        f"{f' by {sender}' if sender else ''}. One reminder a day can be sent by hand: "
        "you can send another tomorrow."
    )


def remind_status(obligation: Obligation, *, day: date) -> str:
    """ "" when this person can be reminded now, else why not (what their page says instead of
    the button). One query, two when they were reminded today."""
    row = with_refusal(Obligation.objects.filter(pk=obligation.pk).only("pk"), day=day).get()
    if not row.cannot_remind:
        return ""
    return refusal_text(obligation, row.cannot_remind, row.reminded_now_at)


def skipped_text(skipped: Counter[str]) -> str:
    """ "2 are paused; 1 was already reminded today", in the order of `refusals`."""
    parts = []
    for refusal in refusals():
        count = skipped.get(refusal.code, 0)
        if count:
            parts.append(f"{count} {refusal.many[0] if count == 1 else refusal.many[1]}")
    return "; ".join(parts)


@dataclass(frozen=True)
class RemindPlan:
    """What a bulk send would do: who would be reminded (the first BULK_LIMIT of them, in
    the list's order), how many in all could be, and how many would not, by reason."""

    chosen: list[Obligation]
    can_remind: int
    skipped: Counter[str]

    @property
    def left_for_later(self) -> int:
        return self.can_remind - len(self.chosen)

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())

    @property
    def skipped_text(self) -> str:
        return skipped_text(self.skipped)


def remind_plan(obligations: QuerySet[Obligation], *, day: date) -> RemindPlan:
    """Who of these obligations a bulk send would remind, and why the others would not be:
    two queries, however many people (the counts, then the people chosen)."""
    annotated = with_refusal(obligations.order_by(), day=day)
    counts = Counter(
        {
            row[CANNOT_REMIND]: row["people"]
            for row in annotated.values(CANNOT_REMIND).annotate(people=Count("pk"))
        }
    )
    can_remind = counts.pop("", 0)
    chosen = list(
        with_refusal(obligations, day=day)
        .filter(Q(**{CANNOT_REMIND: ""}))
        .select_related("user__department")[:BULK_LIMIT]
    )
    return RemindPlan(chosen=chosen, can_remind=can_remind, skipped=counts)
