"""Changes to privileged people that an import held back (see privileged.py): recorded when the
import is applied, then approved or refused by a system administrator other than the person who
gave the portal the file or applied it. Approving applies the change through the portal's
people services, so it has the same audit event and notifications as any other change."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.roles import Role
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many
from portal.services.users import user_deactivate, user_update
from staffimport.compare import Hold
from staffimport.events import StaffImportEmail, StaffImportEvent
from staffimport.models import HeldChange, StaffImport

Kind = HeldChange.Kind


def _not_already_waiting(holds: Sequence[Hold]) -> list[Hold]:
    waiting = set(
        HeldChange.objects.filter(
            status=HeldChange.Status.WAITING, user__in=[hold.user for hold in holds]
        ).values_list("user_id", "kind", "new_value")
    )
    return [hold for hold in holds if (hold.user.pk, hold.kind, hold.new) not in waiting]


class DecisionRefused(Exception):
    """The change cannot be decided (or applied) by this person now; the message says why."""


@transaction.atomic
def held_changes_record(
    *, staff_import: StaffImport, holds: Sequence[Hold], by: User | None, ip: str | None = None
) -> int:
    """Keep the held changes of one batch, each with its audit event against the person, and
    tell the system administrators who may decide them (once per import). A change already
    waiting from an earlier file (HR sends the same file again) is not asked twice."""
    holds = _not_already_waiting(holds)
    if not holds:
        return 0
    rows = HeldChange.objects.bulk_create(
        [
            HeldChange(
                staff_import=staff_import,
                user=hold.user,
                kind=hold.kind,
                line=hold.row.line if hold.row else None,
                old_value=hold.old,
                new_value=hold.new,
                reason=hold.reason[:300],
            )
            for hold in holds
        ]
    )
    audit_record_many(
        drafts=(
            AuditDraft(
                verb=StaffImportEvent.CHANGE_HELD,
                actor=by,
                obj=row.user,
                changes={
                    "change": row.description,
                    "held_change": row.pk,
                    "staff_import": staff_import.pk,
                    "file": staff_import.file_name,
                },
                ip=ip,
            )
            for row in rows
        )
    )
    notifications_queue_many(
        messages=(
            Message(
                to=approver,
                template=StaffImportEmail.CHANGES_HELD,
                dedup_key=f"staff-import:{staff_import.pk}:held:{approver.pk}",
                context={"staff_import": staff_import},
                url=reverse("staffimport:held"),
            )
            for approver in _approvers(staff_import)
        )
    )
    return len(rows)


def _approvers(staff_import: StaffImport) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name=Role.SYSADMIN)
        .exclude(pk__in=_deciders_barred(staff_import))
        .distinct()
        .order_by("pk")
    )


def _deciders_barred(staff_import: StaffImport) -> set[int]:
    # Whoever gave the portal the file, or pressed "Apply", must not also approve what it held:
    # that would let one person (a policy administrator who is also a system administrator)
    # do alone what the hold exists to stop.
    return {pk for pk in (staff_import.uploaded_by_id, staff_import.applied_by_id) if pk}


def may_decide(change: HeldChange, user: User) -> bool:
    return user.has_role(Role.SYSADMIN) and user.pk not in _deciders_barred(change.staff_import)


def _locked_waiting(change: HeldChange, by: User) -> HeldChange:
    change = (
        HeldChange.objects.select_for_update(of=("self",))
        .select_related("staff_import", "user")
        .get(pk=change.pk)
    )
    if change.status != HeldChange.Status.WAITING:
        raise DecisionRefused("This change has already been decided.")
    if not may_decide(change, by):
        raise DecisionRefused(
            "A system administrator other than the person who uploaded or applied this staff "
            "file must decide its held changes."
        )
    return change


def _decided(change: HeldChange, *, by: User, status: str, note: str) -> None:
    change.status, change.decided_by, change.decided_at = status, by, timezone.now()
    change.decision_note = note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def held_change_approve(*, change: HeldChange, by: User, ip: str | None = None) -> HeldChange:
    """Apply a held change, as the file gave it, if the person's record still stands where the
    import found it; otherwise refuse to, so a stale change is never applied over a newer one."""
    change = _locked_waiting(change, by)
    person = User.objects.select_for_update().get(pk=change.user_id)
    note = f"staff import {change.staff_import_id}, {change.staff_import.file_name}"
    if change.kind == Kind.EMAIL:
        if person.email.lower() != change.old_value.lower():
            raise DecisionRefused(
                f"{person.full_name}'s email address has changed since the import (it is now "
                f"{person.email}), so this change no longer applies. Refuse it."
            )
        if User.objects.filter(email__iexact=change.new_value).exclude(pk=person.pk).exists():
            raise DecisionRefused(f"{change.new_value} now belongs to someone else. Refuse it.")
        user_update(user=person, by=by, changes={"email": change.new_value}, note=note, ip=ip)
    elif change.kind == Kind.LEAVE_DATE:
        current = person.leave_date.isoformat() if person.leave_date else ""
        if current != change.old_value:
            raise DecisionRefused(
                f"{person.full_name}'s leave date has changed since the import, so this change "
                "no longer applies. Refuse it."
            )
        new = date.fromisoformat(change.new_value) if change.new_value else None
        user_update(user=person, by=by, changes={"leave_date": new}, note=note, ip=ip)
    else:
        user_deactivate(
            user=person,
            by=by,
            reason=f"{change.reason or 'Deactivated'} ({note}, approved)",
            leave_date=date.fromisoformat(change.new_value) if change.new_value else None,
            ip=ip,
        )
    _decided(change, by=by, status=HeldChange.Status.APPROVED, note="")
    audit_record(
        verb=StaffImportEvent.CHANGE_APPROVED,
        actor=by,
        obj=person,
        changes={"change": change.description, "held_change": change.pk, "via": note},
        ip=ip,
    )
    return change


@transaction.atomic
def held_change_refuse(
    *, change: HeldChange, by: User, reason: str = "", ip: str | None = None
) -> HeldChange:
    """Leave the person as they are; the change is kept, refused, with the reason."""
    change = _locked_waiting(change, by)
    _decided(change, by=by, status=HeldChange.Status.REFUSED, note=reason.strip())
    audit_record(
        verb=StaffImportEvent.CHANGE_REFUSED,
        actor=by,
        obj=change.user,
        changes={
            "change": change.description,
            "held_change": change.pk,
            "reason": reason.strip(),
            "via": f"staff import {change.staff_import_id}, {change.staff_import.file_name}",
        },
        ip=ip,
    )
    return change
