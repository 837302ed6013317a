"""Exemptions: a policy administrator excuses one person from a campaign until a date (long-term
sickness, a secondment), with a reason. Unlike a pause, an exemption has an end: when its last
day is over, the declarations sweep ends it and the person is asked to sign again, with a fresh
due date and an email. An administrator may end one early, with a reason, to the same effect.

While exempt a person gets no reminders, escalations or overdue notices (the sweep only works on
obligations still to sign) and is counted apart, neither asked nor outstanding
(declarations.reports).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, Obligation
from declarations.outbox import exemption_ended_key
from declarations.selectors import versions_asked
from declarations.services.campaigns import latest_extension, obligation_due_at
from portal.lib.sweeps import SweepClaimConflict, in_locked_batches
from portal.lib.uktime import end_of_day, long_date
from portal.models import OrganisationSettings, User
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many

BATCH_SIZE = 1000

# Why an exemption is refused, as the services say it.
ONLY_PENDING_EXEMPTED = "Only someone still to sign can be exempted"
ONLY_OPEN_EXEMPTS = "People can be exempted only while the campaign is open."
NOT_EXEMPT = "This person is not exempt."


def latest_exemption_end(*, today: date | None = None) -> date:
    """The last day an exemption may run to: the organisation's limit on extensions, so that
    neither an extension nor an exemption can quietly excuse someone for years."""
    return timezone.localdate(latest_extension(today=today))


def _check_end(until: date, today: date) -> None:
    if until < today:
        raise ValidationError({"until": "The end date must be today or later."})
    latest = latest_exemption_end(today=today)
    if until > latest:
        days = OrganisationSettings.load().max_extension_days
        raise ValidationError(
            {
                "until": f"An exemption can last at most {days} days from today: "
                f"the latest end date is {long_date(latest)}."
            }
        )


@transaction.atomic
def obligation_exempt(
    *, obligation: Obligation, by: User, until: date, reason: str, ip=None
) -> Obligation:
    """Exempt one person from a campaign up to and including `until` (a UK day), with why."""
    # The campaign's row too, so it cannot close under us (campaign_close locks it).
    current = (
        Obligation.objects.select_for_update(of=("self", "campaign"))
        .select_related("campaign")
        .get(pk=obligation.pk)
    )
    if current.status != Obligation.Status.PENDING:
        raise ValidationError(
            f"{ONLY_PENDING_EXEMPTED}; this one is {current.get_status_display().lower()}."
            + (" Resume it first." if current.status == Obligation.Status.PAUSED else "")
        )
    if current.campaign.status != Campaign.Status.OPEN:
        raise ValidationError(ONLY_OPEN_EXEMPTS)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the person is exempt."})
    now = timezone.now()
    _check_end(until, timezone.localdate(now))
    current.status = Obligation.Status.EXEMPT
    current.exempted_at = now
    current.exempted_by = by
    current.exempt_reason = reason
    current.exempt_until = end_of_day(until)
    current.exemption_ended_at = None
    current.exemption_ended_by = None
    current.exemption_ended_reason = ""
    # Nothing is sent while exempt; asking again starts a fresh schedule.
    current.next_reminder_at = None
    current.save(
        update_fields=[
            "status",
            "exempted_at",
            "exempted_by",
            "exempt_reason",
            "exempt_until",
            "exemption_ended_at",
            "exemption_ended_by",
            "exemption_ended_reason",
            "next_reminder_at",
        ]
    )
    audit_record(
        verb=DeclarationEvent.OBLIGATION_EXEMPTED,
        actor=by,
        obj=current,
        changes={"reason": reason, "until": current.exempt_until, "due_at": current.due_at},
        ip=ip,
    )
    return current


def _fresh_due(row: Obligation, now: datetime) -> datetime:
    """The new due date once an exemption ends: the campaign's new-starter days from the day
    they are asked again (as for someone who joins while it is open), never before the
    campaign's own due date, never already past."""
    today = timezone.localdate(now)
    due_at = obligation_due_at(row.campaign, None, today=today)
    # With no new-starter days, a sweep at 23:59 would give a deadline of now.
    return due_at if due_at > now else end_of_day(today + timedelta(days=1))


def _invitation(row: Obligation, due_at: datetime, versions: list[dict[str, str]]) -> Message:
    assert row.exempted_at is not None  # an exempt row always says when (exemption_is_explained)
    return Message(
        to=row.user,
        template=DeclarationEmail.EXEMPTION_ENDED,
        dedup_key=exemption_ended_key(row.pk, row.exempted_at),
        url=reverse("declarations:sign", args=[row.pk]),
        context={
            "campaign": row.campaign,
            "versions": versions,
            "due_at": timezone.localtime(due_at),
        },
    )


def _ask_again_fields(due_at: datetime, now: datetime, by: User | None, reason: str) -> dict:
    # A fresh deadline: reminders and escalations start afresh, as after an extension.
    return {
        "status": Obligation.Status.PENDING,
        "due_at": due_at,
        "next_reminder_at": None,
        "manager_escalated_at": None,
        "admin_escalated_at": None,
        "exemption_ended_at": now,
        "exemption_ended_by": by,
        "exemption_ended_reason": reason,
    }


@transaction.atomic
def obligation_exemption_end(
    *, obligation: Obligation, by: User, reason: str, ip=None
) -> Obligation:
    """End an exemption before its end date: the person is asked to sign again, with a fresh
    due date, and told by email (unless the campaign is closed)."""
    current = (
        Obligation.objects.select_for_update(of=("self", "campaign"))
        .select_related("campaign", "user")
        .get(pk=obligation.pk)
    )
    if current.status != Obligation.Status.EXEMPT:
        raise ValidationError(NOT_EXEMPT)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the exemption is ended early."})
    now = timezone.now()
    due_at = _fresh_due(current, now)
    asked = current.campaign.status == Campaign.Status.OPEN
    changes = {
        "reason": reason,
        "was_exempt_until": current.exempt_until,
        "exempt_because": current.exempt_reason,
        "due_at": due_at,
        "asked_again": asked,
    }
    if asked:
        versions = versions_asked([current.campaign_id])[current.campaign_id]
        notifications_queue_many(messages=[_invitation(current, due_at, versions)])
    fields = _ask_again_fields(due_at, now, by, reason)
    for name, value in fields.items():
        setattr(current, name, value)
    current.save(update_fields=list(fields))
    audit_record(
        verb=DeclarationEvent.OBLIGATION_EXEMPTION_ENDED,
        actor=by,
        obj=current,
        changes=changes,
        ip=ip,
    )
    return current


def obligations_end_exemptions(*, now: datetime) -> int:
    """End every exemption whose last day is over, in batches: each person is asked to sign
    again with a fresh due date and, if the campaign is open, sent the email asking them.
    Returns how many ended.

    Safe to run twice or at once: rows are locked (SKIP LOCKED) and claimed by a conditional
    UPDATE on their still being exempt, in the same transaction as their emails and audit
    events, and each email's key names the exemption, so none is sent twice. Compares
    instants, so a sweep that was down ends what it missed when it returns."""
    ended = 0

    def handle(rows: list[Obligation]) -> None:
        nonlocal ended
        ended += _end_batch(rows, now)

    in_locked_batches(
        Obligation.objects.filter(
            status=Obligation.Status.EXEMPT, exempt_until__lte=now
        ).select_related("campaign", "user"),
        handle,
        size=BATCH_SIZE,
        name="Exemptions sweep",
    )
    return ended


def _end_batch(rows: list[Obligation], now: datetime) -> int:
    by_due: dict[datetime, list[int]] = defaultdict(list)
    due = {row.pk: _fresh_due(row, now) for row in rows}
    for row in rows:
        by_due[due[row.pk]].append(row.pk)
    for due_at, pks in by_due.items():
        claimed = Obligation.objects.filter(
            pk__in=pks, status=Obligation.Status.EXEMPT, exempt_until__lte=now
        ).update(**_ask_again_fields(due_at, now, None, ""))
        if claimed != len(pks):
            raise SweepClaimConflict(f"{len(pks) - claimed} exemptions changed under the claim")
    # Under the campaigns' row lock, which campaign_close takes too: a campaign closed by now
    # sends nothing.
    still_open = set(
        Campaign.objects.select_for_update()
        .filter(pk__in={row.campaign_id for row in rows}, status=Campaign.Status.OPEN)
        .values_list("pk", flat=True)
    )
    open_rows = [row for row in rows if row.campaign_id in still_open]
    versions = versions_asked(row.campaign_id for row in open_rows)
    notifications_queue_many(
        messages=[_invitation(row, due[row.pk], versions[row.campaign_id]) for row in open_rows]
    )
    audit_record_many(
        drafts=(
            AuditDraft(
                verb=DeclarationEvent.OBLIGATION_EXEMPTION_EXPIRED,
                obj=row,
                changes={
                    "was_exempt_until": row.exempt_until,
                    "exempt_because": row.exempt_reason,
                    "due_at": due[row.pk],
                    "asked_again": row.campaign_id in still_open,
                },
            )
            for row in rows
        )
    )
    return len(rows)
