"""Repeating annual campaigns: next year's prepared as a draft, then opened on its date.

How a repeat goes, and why nothing opens unannounced:
- A campaign set to "repeat every year" (an annual one that has been opened) has next year's
  prepared by the repeats sweep from the start of the UK day `REPEAT_NOTICE_DAYS` before the
  anniversary of its opening: a DRAFT copy with the same settings, its dates moved on a year
  (same UK wall-clock times, whatever the clocks did), and each policy's version in effect on
  the day it opens. A policy with no version in effect then is left out, and said so.
- The policy administrators are emailed (outbox, one key per campaign and administrator) in
  the same transaction that makes the copy: what it asks, what was left out, a link, and the
  date it opens.
- The copy stays a draft, so administrators can check and edit it with the pages they already
  know. It has `opens_automatically` set only if they were told at least
  `REPEAT_NOTICE_DAYS` UK days before it opens (a sweep that was down and prepares it late
  makes a plain draft, and the email says they must open it). On its opening date the sweep
  opens it through `campaign_open`, acting as the system (no user: the audit trail says
  "system"), checking again under the row lock that it is still a draft, still opens by
  itself and still has that much notice (an opening date moved earlier loses it).
- If opening fails (say a newer version came into effect meanwhile), it stays a draft, stops
  opening by itself, and the administrators are told why.
- Stopping the repeat (campaign_repeat_stop), on the campaign or on its prepared copy, takes a
  reason, is recorded, and stops both: no copy is prepared, and a prepared draft does not open.

Why it is done exactly once: the copy's link to the campaign it came from is one-to-one (a
unique column), checked under a lock on the original's row; the sweep holds an advisory lock
too, and every step compares instants (`<= now`), so a sweep that was down catches up, once.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, CheckQuestion, ExtraStatement, same_day_years_on
from declarations.outbox import repeat_not_opened_key, repeat_prepared_key
from declarations.selectors import policy_administrators, versions_in_effect
from declarations.services.campaigns import CAMPAIGN_FIELDS, campaign_open
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.uktime import long_date, start_of_day
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# How many days before a repeat opens it is prepared and the administrators told; also the
# least notice they must have had for it to open by itself.
REPEAT_NOTICE_DAYS = 28
# Keeps two repeat sweeps from running at once (held for the sweep).
REPEAT_LOCK = AdvisoryLock("declarations.repeats")

NOT_REPEATING = "This campaign does not repeat: there is nothing to stop."


@dataclass
class RepeatSweepResult:
    prepared: int = 0
    opened: int = 0
    not_opened: int = 0
    skipped: bool = False


def years_on(instant: datetime, years: int) -> datetime:
    """The same UK wall-clock time `years` later (29 February becomes 28 February)."""
    local = timezone.localtime(instant)
    moved = same_day_years_on(local.date(), years)
    return timezone.make_aware(datetime.combine(moved, local.time()))


def next_opening(campaign: Campaign, now: datetime) -> tuple[int, datetime]:
    """How many years on, and when, the next repeat of `campaign` opens: its first anniversary
    still ahead (a campaign whose anniversary passed while nothing ran skips to the next)."""
    years = 1
    while (opens_at := years_on(campaign.opens_at, years)) <= now:
        years += 1
    return years, opens_at


def prepared_from(opens_at: datetime) -> datetime:
    """When a repeat opening at `opens_at` is prepared: the start of the UK day
    REPEAT_NOTICE_DAYS before its opening day."""
    return start_of_day(timezone.localdate(opens_at) - timedelta(days=REPEAT_NOTICE_DAYS))


def told_in_time(told_on: date, opens_at: datetime) -> bool:
    """Whether administrators told on `told_on` had REPEAT_NOTICE_DAYS days' notice."""
    return told_on <= timezone.localdate(opens_at) - timedelta(days=REPEAT_NOTICE_DAYS)


def will_open_automatically(campaign: Campaign) -> bool:
    """A prepared draft the sweep will open on its opening date (the page says so)."""
    return (
        campaign.status == Campaign.Status.DRAFT
        and campaign.opens_automatically
        and told_in_time(timezone.localdate(campaign.created_at), campaign.opens_at)
    )


def has_repeat_to_stop(campaign: Campaign, prepared: Campaign | None) -> bool:
    """Whether stopping the repeat would change anything: the campaign still repeats and its
    copy (`prepared`, if any) is still a draft, or it is a draft that would open by itself."""
    copy_pending = prepared is None or prepared.status == Campaign.Status.DRAFT
    return (campaign.repeats_yearly and copy_pending) or (
        campaign.status == Campaign.Status.DRAFT and campaign.opens_automatically
    )


def next_name(name: str, opens_at: datetime, years: int) -> str:
    """The name with its year moved on ("Annual declaration 2026" becomes "… 2027"; "2026/27"
    becomes "2027/28"), or with the new year added if it names none."""
    year = timezone.localtime(opens_at).year

    def move(match: re.Match) -> str:
        return str(int(match.group(0)) + years)

    moved, count = re.subn(rf"(?<!\d)(?:{year - 1}|{year}|{year + 1})(?!\d)", move, name)
    if count:
        moved = re.sub(
            r"(?<=\d{4}/)(\d{2})(?!\d)", lambda m: f"{(int(m.group(1)) + years) % 100:02d}", moved
        )
        return moved[:200]
    return f"{name[:195]} {year + years}"


def _campaign_url(campaign: Campaign) -> str:
    return reverse("declarations:campaign", args=[campaign.pk])


@transaction.atomic
def campaign_repeat_prepare(*, campaign: Campaign, now: datetime | None = None) -> Campaign | None:
    """Prepare next year's campaign from a repeating one whose time has come, and tell the
    policy administrators. Returns the copy, or None if there is nothing to do (not
    repeating, not yet time, or already prepared): safe to call any number of times."""
    now = now or timezone.now()
    # The lock makes a second sweep wait, then find the copy this one made.
    original = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if (
        not original.repeats_yearly
        or original.kind != Campaign.Kind.ANNUAL
        or original.status == Campaign.Status.DRAFT
        or Campaign.objects.filter(repeat_of=original).exists()
    ):
        return None
    years, opens_at = next_opening(original, now)
    if now < prepared_from(opens_at):
        return None
    opening_day = timezone.localdate(opens_at)
    in_effect = versions_in_effect(opening_day)
    versions, left_out = [], []
    for version in original.versions.select_related("policy").order_by("policy__title", "pk"):
        current = in_effect.get(version.policy_id)
        if current is None:
            left_out.append(version.policy.title)
        else:
            versions.append(current)
    in_time = told_in_time(timezone.localdate(now), opens_at)
    copy = Campaign(
        kind=Campaign.Kind.ANNUAL,
        name=next_name(original.name, original.opens_at, years),
        statement=original.statement,
        audience_all=original.audience_all,
        employment_types=list(original.employment_types),
        opens_at=opens_at,
        due_at=years_on(original.due_at, years),
        new_starter_days=original.new_starter_days,
        reminder_every_days=original.reminder_every_days,
        admin_escalation_days=original.admin_escalation_days,
        check_pass_mark=original.check_pass_mark,
        check_pass_mark_is_percent=original.check_pass_mark_is_percent,
        check_attempts=original.check_attempts,
        repeats_yearly=True,
        repeat_of=original,
        opens_automatically=in_time and bool(versions),
    )
    copy.full_clean(exclude=["created_by"])
    copy.save()
    departments = list(original.departments.order_by("pk"))
    copy.versions.set(versions)
    copy.departments.set(departments)
    for statement in original.extra_statements.prefetch_related("departments").order_by("pk"):
        extra = ExtraStatement.objects.create(
            campaign=copy, title=statement.title, text=statement.text, audience=statement.audience
        )
        extra.departments.set(statement.departments.all())
    questions = list(original.questions.order_by("pk"))
    CheckQuestion.objects.bulk_create(
        CheckQuestion(campaign=copy, text=q.text, choices=q.choices, correct=q.correct)
        for q in questions
    )
    copy.summary_recipients.set(original.summary_recipients.all())
    admins = list(policy_administrators())
    if not versions:
        why_not = "no policy version could be put in it."
    elif not in_time:
        why_not = (
            f"it was prepared on {long_date(timezone.localdate(now))}, less than "
            f"{REPEAT_NOTICE_DAYS} days before it opens."
        )
    else:
        why_not = ""
    context = {
        "original": original,
        "campaign": copy,
        "versions": [{"policy": v.policy.title, "label": v.label} for v in versions],
        "left_out": left_out,
        "opens_at": timezone.localtime(copy.opens_at),
        "due_at": timezone.localtime(copy.due_at),
        "automatic": copy.opens_automatically,
        "not_automatic_reason": why_not,
    }
    notifications_queue_many(
        messages=[
            Message(
                to=admin,
                template=DeclarationEmail.REPEAT_PREPARED,
                dedup_key=repeat_prepared_key(copy.pk, admin.pk),
                url=_campaign_url(copy),
                context=context,
            )
            for admin in admins
        ]
    )
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_REPEAT_PREPARED,
        obj=copy,
        changes={
            **{name: getattr(copy, name) for name in CAMPAIGN_FIELDS if name != "statement"},
            "versions": [str(v) for v in versions],
            "departments": [d.code for d in departments],
            "repeat_of": original.pk,
            "left_out": left_out,
            "check_questions": len(questions),
            "summary_recipients": [p.email for p in copy.summary_recipients.all()],
            "opens_automatically": copy.opens_automatically,
            "administrators_told": [admin.email for admin in admins],
        },
    )
    return copy


@transaction.atomic
def campaign_repeat_open(*, campaign: Campaign, now: datetime | None = None) -> bool:
    """Open a prepared repeat whose opening time has come, as the system, through
    campaign_open. Returns whether it opened. If campaign_open refuses, the draft stops
    opening by itself and the administrators are told why, once."""
    now = now or timezone.now()
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not will_open_automatically(current) or current.opens_at > now:
        return False
    try:
        campaign_open(campaign=current, by=None)
    except ValidationError as error:
        problems = error.messages
    else:
        return True
    current.opens_automatically = False
    current.save(update_fields=["opens_automatically"])
    admins = list(policy_administrators())
    notifications_queue_many(
        messages=[
            Message(
                to=admin,
                template=DeclarationEmail.REPEAT_NOT_OPENED,
                dedup_key=repeat_not_opened_key(current.pk, admin.pk),
                url=_campaign_url(current),
                context={
                    "campaign": current,
                    "opens_at": timezone.localtime(current.opens_at),
                    "problems": problems,
                },
            )
            for admin in admins
        ]
    )
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_AUTOMATIC_OPENING_FAILED,
        obj=current,
        changes={"problems": problems, "administrators_told": [a.email for a in admins]},
    )
    return False


def campaign_repeats_sweep(*, now: datetime | None = None) -> RepeatSweepResult:
    """Open the prepared repeats whose time has come, then prepare the repeats now due."""
    now = now or timezone.now()
    result = RepeatSweepResult()
    # Each step is safe on its own (row locks, the one-to-one link); the lock only spares the
    # database two sweeps doing the same work at once.
    with single_run(REPEAT_LOCK) as got_lock:
        if not got_lock:
            result.skipped = True
            return result
        due_to_open = Campaign.objects.filter(
            status=Campaign.Status.DRAFT, opens_automatically=True, opens_at__lte=now
        ).order_by("opens_at", "pk")
        for campaign in due_to_open:
            if campaign_repeat_open(campaign=campaign, now=now):
                result.opened += 1
            else:
                result.not_opened += 1
        # Tens of campaigns at most: which are due is worked out here, in UK wall-clock time.
        repeating = Campaign.objects.filter(
            kind=Campaign.Kind.ANNUAL,
            repeats_yearly=True,
            status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED],
            repeat__isnull=True,
        ).order_by("pk")
        for campaign in repeating:
            due = now >= prepared_from(next_opening(campaign, now)[1])
            if due and campaign_repeat_prepare(campaign=campaign, now=now) is not None:
                result.prepared += 1
    return result


@transaction.atomic
def campaign_repeat_stop(*, campaign: Campaign, by: User, reason: str, ip=None) -> Campaign:
    """Stop a campaign repeating, with a reason on the record. Asked on the original or on its
    prepared copy, it stops both: no copy is prepared, and a prepared draft does not open by
    itself (it stays a draft an administrator can still open). A copy already opened is a
    campaign of its own, stopped from its own page."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    prepared = Campaign.objects.select_for_update().filter(repeat_of=current).first()
    if not has_repeat_to_stop(current, prepared):
        raise ValidationError(NOT_REPEATING)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are stopping the repeat."})
    stopped = [current]
    if prepared is not None and has_repeat_to_stop(prepared, None):
        stopped.append(prepared)
    now = timezone.now()
    for each in stopped:
        was_opening = will_open_automatically(each)
        each.repeats_yearly = False
        each.opens_automatically = False
        each.repeat_stopped_at = now
        each.repeat_stopped_by = by
        each.repeat_stopped_reason = reason
        each.save(
            update_fields=[
                "repeats_yearly",
                "opens_automatically",
                "repeat_stopped_at",
                "repeat_stopped_by",
                "repeat_stopped_reason",
            ]
        )
        changes: dict = {"reason": reason, "automatic_opening_stopped": was_opening}
        if each is not current:
            changes["stopped_from"] = current.pk
        elif prepared is not None and len(stopped) == 2:
            changes["prepared_campaign"] = prepared.pk
        audit_record(
            verb=DeclarationEvent.CAMPAIGN_REPEAT_STOPPED,
            actor=by,
            obj=each,
            changes=changes,
            ip=ip,
        )
    return current
