"""Placing and lifting holds on records (portal.models.LegalHold): while a hold is open, the
retention sweep keeps what it covers and an erasure of it is refused. Holds are lifted, never
deleted; both are on the audit trail with who, when and why."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.events import PortalEvent
from portal.lib.locks import lock_for_transaction
from portal.models import LegalHold, User
from portal.registry import RetentionRule, registry
from portal.services.audit import audit_record
from portal.services.retention import HOLDS


class HoldRefused(ValueError):
    """A hold that cannot be placed or lifted; the message says why in plain words."""


def _rule(key: str) -> RetentionRule:
    rule = registry.retention.get(key)
    if rule is None or not rule.disposes:
        raise HoldRefused("Choose a kind of record the portal disposes of.")
    return rule


def hold_covers(hold: LegalHold) -> str:
    """What a hold covers, in words: "Every record: Staff import files", "Staff import files:
    record 12"."""
    if hold.record_type:
        rule = registry.retention.get(hold.record_type)
        return f"Every record: {rule.label if rule else hold.record_type}"
    content_type = hold.content_type
    assert content_type is not None  # noqa: S101 (the table's check: a kind or a record)
    model = f"{content_type.app_label}.{content_type.model}"
    label = next((r.label for r in registry.retention_rules() if r.model == model), model)
    return f"{label}: record {hold.object_id}"


@transaction.atomic
def legal_hold_place(
    *, record_type: str, reason: str, by: User, object_id: str = "", ip: str | None = None
) -> LegalHold:
    """Hold every record of the kind `record_type` (a retention rule's key) or, with
    `object_id`, that one record of it."""
    rule = _rule(record_type)
    reason = reason.strip()
    if not reason:
        raise HoldRefused("Say why the records are held.")
    lock_for_transaction(HOLDS)
    fields: dict = {"record_type": record_type}
    if object_id:
        app_label, model = rule.model.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        model_class = content_type.model_class()
        assert model_class is not None  # noqa: S101 (a registered rule names a real model)
        try:
            found = model_class._default_manager.filter(pk=object_id.strip()).values("pk").first()
        except (ValueError, TypeError, ValidationError):
            found = None
        if found is None:
            raise HoldRefused(f"There is no record {object_id.strip()} of that kind.")
        # As the record's own id reads ("12", not "012"), which is what disposal compares.
        fields = {"content_type": content_type, "object_id": str(found["pk"])}
    hold = LegalHold.objects.create(**fields, reason=reason, placed_by=by)
    audit_record(
        verb=PortalEvent.HOLD_PLACED,
        actor=by,
        obj=hold,
        object_repr=hold_covers(hold),
        changes={"covers": hold_covers(hold), "reason": reason},
        ip=ip,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, reason: str, by: User, ip: str | None = None) -> LegalHold:
    """Lift a hold: what it covered may be disposed of again when its period is up."""
    reason = reason.strip()
    if not reason:
        raise HoldRefused("Say why the hold is lifted.")
    lock_for_transaction(HOLDS)
    row = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not row.is_open:
        raise HoldRefused("This hold has already been lifted.")
    row.lifted_at, row.lifted_by, row.lift_reason = timezone.now(), by, reason
    row.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        verb=PortalEvent.HOLD_LIFTED,
        actor=by,
        obj=row,
        object_repr=hold_covers(row),
        changes={"covers": hold_covers(row), "reason": reason},
        ip=ip,
    )
    return row
