"""Keeping records as long as the organisation says, and no longer.

Each app registers how long its kinds of record are kept and how they are disposed of
(portal.registry.RetentionRule); the organisation sets the periods (OrganisationSettings
.retention_months). The daily sweep, `retention_dispose`, disposes of what is past its period in
locked batches, each batch in one transaction with one audit event saying how many records of
which kind and the cut-off: never whose, nor what they held, and the actor is "system".

Nothing under a hold is disposed of: a portal hold (portal.models.LegalHold) on the kind or on
the record, or the app's own (`RetentionRule.held`). A run that had to keep records because of a
hold records that too, with the holds' reasons.

The audit trail is never disposed of: it is the evidence of everything else (triggers refuse
UPDATE, DELETE and TRUNCATE on it), and disposal only adds events to it, so its chain still
verifies afterwards.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from portal.events import PortalEvent
from portal.lib.locks import AdvisoryLock, lock_for_transaction, single_run
from portal.lib.sweeps import in_locked_batches
from portal.models import LegalHold, OrganisationSettings, User
from portal.registry import RetentionRule, registry
from portal.services.audit import audit_record

# One disposal sweep at a time: a second worker started by a repeated beat message finds the
# lock taken and leaves (the batches' row locks would keep them apart too; this spares the work).
RETENTION_SWEEP = AdvisoryLock("portal.retention_sweep")
# Taken for its transaction by each disposal batch, and by placing or lifting a hold: a hold
# placed while a batch is at work waits for that batch to commit, and every later batch sees it.
HOLDS = AdvisoryLock("portal.holds")
BATCH_SIZE = 500


class RecordHeld(Exception):
    """Erasing a record was refused: it is under a hold (the refusal is on the audit trail)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("This record is under a hold and cannot be erased: " + "; ".join(reasons))


def months_before(instant: datetime, months: int) -> datetime:
    """The same UK clock time `months` calendar months earlier (the 31st becomes the last day
    of a shorter month)."""
    local = timezone.localtime(instant)
    year, month0 = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day)


def period_words(months: int) -> str:
    """12 -> "1 year", 18 -> "1 year and 6 months"."""
    years, rest = divmod(months, 12)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((years, "year"), (rest, "month")) if n
    ]
    return " and ".join(parts) or "0 months"


def retention_months(rule: RetentionRule, org: OrganisationSettings | None = None) -> int:
    org = org or OrganisationSettings.load()
    return org.retention_months_for(rule.key, rule.default_months)


# --- holds ---


@dataclass
class _Holds:
    """The open portal holds on one kind of record: on the whole kind, and on single records
    (by the record's id as text)."""

    on_kind: list[LegalHold]
    on_records: dict[str, LegalHold]

    def reasons(self, holds: list[LegalHold]) -> list[str]:
        return [f"Hold {hold.pk}: {hold.reason}" for hold in holds]


def _open_holds(rule: RetentionRule, object_id: str | None = None) -> _Holds:
    """One query."""
    app_label, model = rule.model.split(".")
    on_records = Q(content_type__app_label=app_label, content_type__model=model)
    if object_id is not None:
        on_records &= Q(object_id=object_id)
    holds = list(LegalHold.objects.open().filter(Q(record_type=rule.key) | on_records))
    return _Holds(
        on_kind=[hold for hold in holds if hold.record_type],
        on_records={hold.object_id: hold for hold in holds if not hold.record_type},
    )


def _pks(queryset: QuerySet[Any], ids: list[str]) -> list[Any]:
    field = queryset.model._meta.pk
    return [field.to_python(value) for value in ids]


# --- the sweep ---


def retention_dispose(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Beat, daily: dispose of every record past its kind's retention period and under no hold.
    Returns how many. Safe to run twice, or in two workers at once: a second run finds nothing
    left to do (or the sweep's lock taken)."""
    now = now or timezone.now()
    with single_run(RETENTION_SWEEP) as got:
        if not got:
            return 0
        org = OrganisationSettings.load()
        return sum(
            _dispose_kind(rule, months=retention_months(rule, org), now=now, batch_size=batch_size)
            for rule in registry.retention_rules()
            if rule.disposes
        )


def _dispose_kind(rule: RetentionRule, *, months: int, now: datetime, batch_size: int) -> int:
    assert rule.due is not None  # noqa: S101 (rule.disposes)
    assert rule.dispose is not None  # noqa: S101
    dispose = rule.dispose
    cut_off = months_before(now, months)
    due = rule.due(cut_off)
    if due.model._meta.label_lower != rule.model:
        raise ValueError(f"Retention rule {rule.key!r}: due() must return {rule.model} rows.")
    facts = {
        "record_type": rule.key,
        "kept_for": period_words(months),
        "cut_off": cut_off.isoformat(timespec="minutes"),
    }

    holds = _open_holds(rule)
    if holds.on_kind:
        _record_kept(rule, facts, due.count(), holds.reasons(holds.on_kind))
        return 0
    held_ids = _pks(due, list(holds.on_records))
    disposable = due.exclude(pk__in=held_ids)
    app_held = rule.held(due) if rule.held is not None else None
    if app_held is not None:
        disposable = disposable.exclude(pk__in=app_held.values("pk"))
    held_here = (
        [str(pk) for pk in due.filter(pk__in=held_ids).values_list("pk", flat=True)]
        if held_ids
        else []
    )
    app_count = app_held.count() if app_held is not None else 0
    if held_here or app_count:
        reasons = holds.reasons([holds.on_records[pk] for pk in held_here])
        if app_count:
            reasons.append(f"{app_count} under the holds of their own part of the portal")
        _record_kept(rule, facts, len(held_here) + app_count, reasons)

    total = 0

    def handle(rows: list[Model]) -> None:
        nonlocal total
        # A hold placed since the batch was chosen is seen here: it waited for this lock.
        lock_for_transaction(HOLDS)
        fresh = _open_holds(rule)
        if fresh.on_kind:
            return
        rows = [row for row in rows if str(row.pk) not in fresh.on_records]
        if not rows:
            return
        count = dispose(rows)
        if count:
            total += count
            audit_record(
                verb=PortalEvent.RETENTION_DISPOSED,
                object_repr=rule.label,
                changes={**facts, "count": count},
            )

    in_locked_batches(disposable, handle, size=batch_size, name=f"retention {rule.key}")
    return total


def _record_kept(rule: RetentionRule, facts: dict[str, Any], count: int, reasons: list[str]):
    if count:
        audit_record(
            verb=PortalEvent.RETENTION_KEPT_UNDER_HOLD,
            object_repr=rule.label,
            changes={**facts, "count": count, "held_by": reasons},
        )


# --- one record ---


def record_erase(*, obj: Model, by: User | None, reason: str, ip: str | None = None) -> int:
    """Erase one record now, before its period is up (an erasure request), as its kind's rule
    disposes of it. Refused, and the refusal recorded with the holds' reasons, while a hold
    covers it: raises RecordHeld. The reason given must not name the person."""
    rules = registry.retention_rules_for(obj)
    if not rules:
        raise ValueError(f"No retention rule disposes of {obj._meta.label_lower} records.")
    rule = rules[0]
    refused: list[str] = []
    with transaction.atomic():
        lock_for_transaction(HOLDS)
        holds = _open_holds(rule, object_id=str(obj.pk))
        covering = holds.on_kind + list(holds.on_records.values())
        app_held = rule.held is not None and (
            rule.held(obj._meta.model._default_manager.filter(pk=obj.pk)).exists()
        )
        if not covering and app_held:
            refused = ["under the holds of its own part of the portal"]
        refused = refused or holds.reasons(covering)
        verb = PortalEvent.RECORD_ERASURE_REFUSED if refused else PortalEvent.RECORD_ERASED
        count = 0
        if not refused:
            assert rule.dispose is not None  # noqa: S101 (a rule for the model disposes)
            row = obj._meta.model._default_manager.select_for_update().get(pk=obj.pk)
            count = rule.dispose([row])
        audit_record(
            verb=verb,
            actor=by,
            object_type=rule.model,
            object_id=str(obj.pk),
            object_repr=rule.label,
            changes={
                "record_type": rule.key,
                "reason": reason,
                **({"held_by": refused} if refused else {}),
            },
            ip=ip,
        )
    if refused:
        raise RecordHeld(refused)
    return count


# --- the organisation's periods ---


class PeriodTooShort(ValueError):
    pass


@transaction.atomic
def retention_periods_update(
    *, months: dict[str, int], by: User, ip: str | None = None
) -> OrganisationSettings:
    """Set how long kinds of record are kept (months, by rule key; already validated by the
    form, checked again here) and record each change as from -> to."""
    rules = registry.retention
    unknown = [key for key in months if key not in rules or not rules[key].disposes]
    if unknown:
        raise ValueError(f"Not a kind of record the portal disposes of: {', '.join(unknown)}")
    for key, value in months.items():
        if value < rules[key].minimum_months:
            raise PeriodTooShort(
                f"{rules[key].label}: at least {rules[key].minimum_months} months."
            )
    OrganisationSettings.load()
    row = OrganisationSettings.objects.select_for_update().get(pk=1)
    stored = dict(row.retention_months)
    changes: dict[str, Any] = {}
    for key, value in months.items():
        before = row.retention_months_for(key, rules[key].default_months)
        if before != value:
            changes[key] = {"from": period_words(before), "to": period_words(value)}
            stored[key] = value
    if changes:
        row.retention_months = stored
        row.save(update_fields=["retention_months", "updated_at"])
        audit_record(
            verb=PortalEvent.RETENTION_PERIODS_CHANGED,
            actor=by,
            obj=row,
            changes=changes,
            ip=ip,
        )
    return row
