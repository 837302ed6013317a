"""The weekly summary of an open campaign, emailed to the senior people a policy administrator
names on it: the figures (the one definition, declarations.reports), what changed since the
last summary, the due date and a link to the report. Nothing in it names a person.

It goes out each Monday at 08:00 UK time while the campaign is open, from the first Monday
after it opens. A sweep started by beat every ten minutes sends what has fallen due:
- it compares instants: the week's slot is due once `now` has passed Monday 08:00, so a sweep
  that was down on Monday sends that week's summary when it returns (once), and a missed week
  is not sent late in the next one;
- it claims a week by inserting the campaign's CampaignSummary row (unique per campaign and
  ISO week) under the campaign's row lock, in the same transaction as the emails, so a summary
  is never claimed without its emails nor sent twice, and closing the campaign (which takes the
  same lock) stops it;
- each email has a dedup key per campaign, person and ISO week (declarations.outbox).
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, CampaignSummary
from declarations.outbox import summary_key
from declarations.reports import FIGURES, Completion, completion_overall, percent_signed
from declarations.selectors import policy_administrators, versions_asked
from portal.lib.locks import AdvisoryLock, single_run
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# Monday, 08:00 UK time: on leaders' desks at the start of the working week.
SUMMARY_WEEKDAY = 0
SUMMARY_TIME = time(8, 0)
# Enough for a chief officer team; a longer list is a mailing list, better kept elsewhere.
MAX_RECIPIENTS = 20
SUMMARY_LOCK = AdvisoryLock("declarations.summaries")


def summary_slot(now: datetime) -> datetime:
    """The latest Monday 08:00 (UK time) at or before `now`, as an instant."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=(today.weekday() - SUMMARY_WEEKDAY) % 7)
    # make_aware of Monday 08:00 is never ambiguous: the clocks change at night on a Sunday.
    slot = timezone.make_aware(datetime.combine(monday, SUMMARY_TIME))
    return slot if slot <= now else slot - timedelta(days=7)


def summary_week(slot: datetime) -> str:
    """The ISO week a slot belongs to, as "2026-W49"."""
    year, week, _ = timezone.localdate(slot).isocalendar()
    return f"{year}-W{week:02d}"


def next_summary_at(campaign: Campaign, now: datetime) -> datetime | None:
    """When the next summary is due to go out, for the campaign's page: the first Monday 08:00
    after both now and its opening; None for a closed campaign."""
    if campaign.status == Campaign.Status.CLOSED:
        return None
    after = max(now, campaign.opened_at or campaign.opens_at)
    slot = summary_slot(after)
    if slot == after:
        return slot
    return timezone.make_aware(
        datetime.combine(timezone.localdate(slot) + timedelta(days=7), SUMMARY_TIME)
    )


def summary_schedule(campaign: Campaign, now: datetime) -> dict:
    """What the campaign's page says of its weekly summary: who gets it, when the next goes
    out, and when the last went (two queries)."""
    return {
        "summary_recipients": list(campaign.summary_recipients.order_by("full_name", "pk")),
        "next_summary_at": next_summary_at(campaign, now),
        "last_summary": campaign.summaries.order_by("-sent_at", "-pk").first(),
    }


@transaction.atomic
def campaign_summary_recipients_set(
    *, campaign: Campaign, recipients: Iterable[User], by: User, ip=None
) -> Campaign:
    """Name the senior people who receive the campaign's weekly summary (none stops it).
    Who was added and removed is on the record."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    chosen = {person.pk: person for person in recipients}
    inactive = sorted(person.email for person in chosen.values() if not person.is_active)
    if inactive:
        raise ValidationError(
            {"recipients": f"These people's accounts are closed: {', '.join(inactive)}."}
        )
    if len(chosen) > MAX_RECIPIENTS:
        raise ValidationError(
            {"recipients": f"Name at most {MAX_RECIPIENTS} people to receive the summary."}
        )
    before = dict(current.summary_recipients.values_list("pk", "email"))
    added = sorted(person.email for pk, person in chosen.items() if pk not in before)
    removed = sorted(email for pk, email in before.items() if pk not in chosen)
    if not added and not removed:
        return current
    current.summary_recipients.set(chosen.values())
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_SUMMARY_RECIPIENTS_CHANGED,
        actor=by,
        obj=current,
        changes={
            "added": added,
            "removed": removed,
            "recipients": sorted(person.email for person in chosen.values()),
        },
        ip=ip,
    )
    return current


def _signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else f"−{-delta}" if delta < 0 else "no change"


def _lines(figures: Completion, previous: dict[str, int] | None) -> list[dict[str, str]]:
    """Each figure, with how it moved since the last summary when there was one."""
    now = {name: getattr(figures, name) for name in FIGURES}
    now["signed_on_time"] = figures.signed_on_time
    before = dict(previous or {})
    if previous:
        before["signed_on_time"] = before["signed"] - before["signed_late"]
    lines = []
    for name, label in (
        ("asked", "Asked"),
        ("signed_on_time", "Signed on time"),
        ("signed_late", "Signed late"),
        ("pending", "Not signed yet"),
        ("overdue", "Past their due date"),
        ("paused", "Paused (not counted in the percentage)"),
    ):
        change = _signed(now[name] - before[name]) if previous else ""
        lines.append({"label": label, "value": str(now[name]), "change": change})
    return lines


def campaign_summaries_send(*, now: datetime | None = None) -> int:
    """Send each open campaign's summary for this week if its time has come and it has not
    gone yet. Returns how many emails were queued. Safe to run at any time, as often as beat
    likes."""
    now = now or timezone.now()
    slot = summary_slot(now)
    week = summary_week(slot)
    sent = 0
    with single_run(SUMMARY_LOCK) as got_lock:
        if not got_lock:
            return 0
        due = (
            Campaign.objects.filter(
                status=Campaign.Status.OPEN,
                opened_at__lte=slot,
                summary_recipients__is_active=True,
            )
            .exclude(summaries__week=week)
            .distinct()
            .order_by("pk")
        )
        for campaign in due:
            sent += campaign_summary_send(campaign=campaign, week=week, now=now)
    return sent


@transaction.atomic
def campaign_summary_send(*, campaign: Campaign, week: str, now: datetime) -> int:
    """Claim the campaign's summary for `week` and queue it to each active named person."""
    # The lock campaign_close takes too: a campaign closed meanwhile sends nothing.
    current = (
        Campaign.objects.select_for_update()
        .filter(pk=campaign.pk, status=Campaign.Status.OPEN)
        .first()
    )
    if current is None or CampaignSummary.objects.filter(campaign=current, week=week).exists():
        return 0
    recipients = list(current.summary_recipients.filter(is_active=True).order_by("pk"))
    if not recipients:
        return 0
    figures = completion_overall(current, now)
    last = CampaignSummary.objects.filter(campaign=current).order_by("-sent_at", "-pk").first()
    previous = last.figures if last else None
    CampaignSummary.objects.create(
        campaign=current,
        week=week,
        sent_at=now,
        figures={name: getattr(figures, name) for name in FIGURES},
    )
    context = {
        "campaign": current,
        "versions": versions_asked([current.pk])[current.pk],
        "figures": figures,
        "lines": _lines(figures, previous),
        "previous_percent": (
            percent_signed(previous["signed"], previous["asked"]) if previous else None
        ),
        "previous_sent_at": timezone.localtime(last.sent_at) if last else None,
        "due_at": timezone.localtime(current.due_at),
        "due_passed": current.due_at <= now,
        "as_at": timezone.localtime(now),
    }
    report = reverse("declarations:report", args=[current.pk])
    # The report is the policy administrators' (declarations.access): a leader without the
    # role is told where the detail is rather than sent to a page that refuses them.
    can_open = set(
        policy_administrators()
        .filter(pk__in=[person.pk for person in recipients])
        .values_list("pk", flat=True)
    )
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=DeclarationEmail.WEEKLY_SUMMARY,
                dedup_key=summary_key(current.pk, week, person.pk),
                url=report if person.pk in can_open else "",
                context={**context, "can_open_report": person.pk in can_open},
            )
            for person in recipients
        ]
    )
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_SUMMARY_SENT,
        obj=current,
        changes={
            "week": week,
            "recipients": [person.email for person in recipients],
            **{name: getattr(figures, name) for name in FIGURES},
        },
    )
    return len(recipients)
