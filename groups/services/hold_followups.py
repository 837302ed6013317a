"""Following up hold notices nobody has acknowledged, run by the sweep beat starts every
fifteen minutes.

A notice not acknowledged REMIND_AFTER its issue is reminded once; one still not acknowledged
ESCALATE_AFTER that reminder goes once to the person's line manager (or, when they have none
who still works here, to the DPO and deputy), as legal-hold practice does. Nothing goes out
for a notice acknowledged, or for a hold released; a notice with nobody to escalate to is left
for a later sweep rather than marked escalated.

Why it never sends twice: each step compares instants (`<= now`, so a sweep that was down
catches up once when it returns), locks its batch (SKIP LOCKED) and claims the rows with a
conditional UPDATE on `reminded_at IS NULL` / `escalated_at IS NULL`, in the same transaction
as the outbox rows; and each message's dedup key names the notice, so it cannot be queued
twice even if a claim went wrong.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEmail, GroupEvent
from groups.models import HoldNotice
from groups.outbox import hold_escalation_key, hold_reminder_key
from groups.selectors import data_protection_officers
from groups.services.holds import covered_groups
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import SweepClaimConflict, in_locked_batches
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# A day to read a notice before the reminder; two more before their manager is asked to
# make sure they have read it. A notice is urgent (deleting after a request is an offence),
# but people are away for a day or two.
REMIND_AFTER = timedelta(hours=24)
ESCALATE_AFTER = timedelta(hours=48)
BATCH_SIZE = 500
SWEEP_LOCK = AdvisoryLock("groups.hold_notices_sweep")


@dataclass
class FollowUpResult:
    reminded: int = 0
    escalated: int = 0
    skipped: bool = False


def _pending() -> QuerySet[HoldNotice]:
    """Notices still waiting for their person, under holds still open."""
    return HoldNotice.objects.filter(
        acknowledged_at__isnull=True,
        hold__released_at__isnull=True,
        user__is_active=True,
    )


def hold_notices_sweep(*, now: datetime | None = None) -> FollowUpResult:
    """Remind and escalate the notices whose time has come."""
    now = now or timezone.now()
    result = FollowUpResult()
    # The claims are safe on their own; the lock spares two sweeps doing the same work at once.
    with single_run(SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.skipped = True
            return result
        hold_notices_remind(now=now, result=result)
        hold_notices_escalate(now=now, result=result)
    return result


def _claim(rows: list[HoldNotice], **stamp: datetime) -> list[int]:
    """Claim `rows` for this sweep: the field being stamped must still be empty."""
    (field,) = stamp
    pks = [row.pk for row in rows]
    claimed = HoldNotice.objects.filter(pk__in=pks, **{f"{field}__isnull": True}).update(**stamp)
    if claimed != len(pks):
        raise SweepClaimConflict(f"{len(pks) - claimed} hold notices changed under the claim")
    return pks


def hold_notices_remind(*, now: datetime, result: FollowUpResult | None = None) -> FollowUpResult:
    result = result or FollowUpResult()
    due = _pending().filter(reminded_at__isnull=True, issued_at__lte=now - REMIND_AFTER)

    def handle(rows: list[HoldNotice]) -> None:
        pks = _claim(rows, reminded_at=now)
        groups = covered_groups({r.hold_id for r in rows}, {r.user_id for r in rows})
        notifications_queue_many(
            messages=[
                Message(
                    to=row.user,
                    template=GroupEmail.HOLD_REMINDER,
                    dedup_key=hold_reminder_key(row.pk),
                    url=reverse("groups:hold_notice", args=[row.pk]),
                    context={
                        "kind": row.hold.get_kind_display(),
                        "reference": row.hold.reference,
                        "groups": groups.get((row.hold_id, row.user_id), []),
                        "issued_at": timezone.localtime(row.issued_at),
                    },
                )
                for row in rows
            ]
        )
        audit_record(verb=GroupEvent.HOLD_NOTICES_REMINDED, changes={"notices": pks})
        result.reminded += len(rows)

    in_locked_batches(
        due.select_related("hold", "user"), handle, size=BATCH_SIZE, name="Hold reminders"
    )
    return result


def hold_notices_escalate(*, now: datetime, result: FollowUpResult | None = None) -> FollowUpResult:
    result = result or FollowUpResult()
    due = _pending().filter(escalated_at__isnull=True, reminded_at__lte=now - ESCALATE_AFTER)
    dpos: list[User] | None = None

    def recipients_of(row: HoldNotice) -> list[User]:
        nonlocal dpos
        manager = row.user.line_manager
        if manager is not None and manager.is_active:
            return [manager]
        if dpos is None:
            dpos = list(data_protection_officers())
        return dpos

    def handle(batch: list[HoldNotice]) -> None:
        # A notice with nobody to tell (no manager who still works here, and no DPO) is left
        # unclaimed, for when someone holds the role, rather than stamped escalated unsent.
        recipients = {row.pk: recipients_of(row) for row in batch}
        rows = [row for row in batch if recipients[row.pk]]
        if not rows:
            return
        pks = _claim(rows, escalated_at=now)
        groups = covered_groups({r.hold_id for r in rows}, {r.user_id for r in rows})
        messages = []
        told: dict[str, list[str]] = {}
        for row in rows:
            manager = row.user.line_manager
            told[str(row.pk)] = [person.email for person in recipients[row.pk]]
            for recipient in recipients[row.pk]:
                messages.append(
                    Message(
                        to=recipient,
                        template=GroupEmail.HOLD_ESCALATED,
                        dedup_key=hold_escalation_key(row.pk, recipient.pk),
                        # The manager has no page of the hold: the email says what to do.
                        in_portal=False,
                        context={
                            "person": row.user,
                            "as_manager": recipient is manager,
                            "kind": row.hold.get_kind_display(),
                            "reference": row.hold.reference,
                            "groups": groups.get((row.hold_id, row.user_id), []),
                            "issued_at": timezone.localtime(row.issued_at),
                        },
                    )
                )
        notifications_queue_many(messages=messages)
        audit_record(verb=GroupEvent.HOLD_NOTICES_ESCALATED, changes={"notices": pks, "told": told})
        result.escalated += len(rows)

    in_locked_batches(
        due.select_related("hold", "user", "user__line_manager"),
        handle,
        size=BATCH_SIZE,
        name="Hold escalations",
    )
    return result
