"""Evidence of reading: when a person first opened each policy version they are asked to sign,
and for how long it was on their screen.

The signing page records the opening; its small script (static/declarations/reading.js) sends
a heartbeat while a policy's text is on screen in a visible tab, and reading_heartbeat adds it
up in one row per obligation and version. Each heartbeat counts for at most HEARTBEAT_CAP
seconds, and never for more than the time since the last one, so neither a tab left open nor a
crafted request can claim hours. Without JavaScript no heartbeat comes, and the record says the
time was not measured.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Obligation, PolicyVersion, ReadingRecord
from portal.models import User
from portal.services.audit import audit_record

# The script beats every 15 seconds; a little more is allowed for a slow network.
HEARTBEAT_SECONDS = 15
HEARTBEAT_CAP = 20


@transaction.atomic
def reading_open(
    *, obligation: Obligation, versions: Iterable[PolicyVersion], by: User, ip=None
) -> list[ReadingRecord]:
    """Record the first opening of each version not opened before for this obligation (one
    audit event for those, none when all were opened already). Returns every version's row."""
    versions = list(versions)
    if obligation.user_id != by.pk:
        return []
    now = timezone.now()
    new = [ReadingRecord(obligation=obligation, version=v, first_opened_at=now) for v in versions]
    # A second tab opening the page at the same moment must not fail: the first row stands.
    ReadingRecord.objects.bulk_create(new, ignore_conflicts=True)
    records = list(
        ReadingRecord.objects.filter(obligation=obligation, version__in=versions).order_by(
            "version_id"
        )
    )
    opened = [r for r in records if r.first_opened_at == now]
    if opened:
        by_id = {v.pk: v for v in versions}
        audit_record(
            verb=DeclarationEvent.READING_OPENED,
            actor=by,
            obj=obligation,
            changes={
                "campaign": obligation.campaign.name,
                "versions": [str(by_id[r.version_id]) for r in opened],
            },
            ip=ip,
        )
    return records


def heartbeat_credit(claimed: int, last: datetime, now: datetime) -> int:
    """The seconds one heartbeat may add: what it claims, at most HEARTBEAT_CAP and at most the
    time since the row's last heartbeat (or its opening)."""
    elapsed = max(0, int((now - last).total_seconds()) + 1)
    return max(0, min(claimed, HEARTBEAT_CAP, elapsed))


@transaction.atomic
def reading_heartbeat(
    *,
    obligation: Obligation,
    by: User,
    seconds: Mapping[int, int],
    ticked: Collection[int] = (),
) -> int:
    """Add the seconds each version (by id) was on screen since the last heartbeat, and note
    the first time "I have read" was ticked for the versions in `ticked`. Versions not opened
    for this obligation are ignored. Returns the seconds added in all.

    Not audited one by one (a heartbeat every 15 seconds would bury the trail): the totals are
    in the declaration and in its declaration.signed event."""
    if obligation.user_id != by.pk or obligation.status == Obligation.Status.SIGNED:
        return 0
    now = timezone.now()
    added = 0
    records = ReadingRecord.objects.select_for_update().filter(
        obligation=obligation, version_id__in={*seconds, *ticked}
    )
    for record in records:
        if record.version_id in ticked and record.read_ticked_at is None:
            record.read_ticked_at = now
        if record.version_id in seconds:
            credit = heartbeat_credit(
                seconds[record.version_id], record.last_heartbeat_at or record.first_opened_at, now
            )
            record.seconds_on_screen += credit
            record.last_heartbeat_at = now
            added += credit
        record.save(update_fields=["seconds_on_screen", "last_heartbeat_at", "read_ticked_at"])
    return added


def reading_evidence(
    obligation: Obligation, versions: Iterable[PolicyVersion], ticked_at: datetime
) -> list[dict]:
    """The snapshot a declaration keeps: per version, when first opened, the seconds on screen
    (None: not measured) and when "I have read" was ticked (as the page's script reported it,
    or else `ticked_at`, the signature's time, when the tick was sent with it)."""
    records = {r.version_id: r for r in ReadingRecord.objects.filter(obligation=obligation)}
    evidence = []
    for v in versions:
        record = records.get(v.pk)
        evidence.append(
            {
                "id": v.pk,
                "policy": v.policy.title,
                "label": v.label,
                "first_opened_at": record.first_opened_at.isoformat() if record else None,
                "seconds_on_screen": record.seconds_on_screen
                if record and record.measured
                else None,
                "read_ticked_at": (
                    record.read_ticked_at if record and record.read_ticked_at else ticked_at
                ).isoformat(),
            }
        )
    return evidence
