"""Making a checked plan real: departments first, then people level by level down the reporting
lines (so a line manager this file adds exists before the people they manage), then the people
missing from the file.

Each batch is its own transaction that compares its rows with the portal again, under row locks,
and changes people only through portal.services.users, so every change has its audit event.
What the file asks of privileged people is recorded, held, in the same batch (held.py). A
batch that finds a problem rolls back alone and stops the run; what earlier batches did stays
done and recorded, and running the same file again finishes the job (it only makes changes
that are still needed).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db import transaction

from portal.models import Department, User
from portal.services.organisation import department_create
from portal.services.users import user_deactivate, users_create_many, users_update_many
from staffimport.compare import Context, Hold, compare_batch
from staffimport.events import StaffImportEvent
from staffimport.held import held_changes_record
from staffimport.models import HeldChange, StaffImport
from staffimport.parsing import Problem, Row
from staffimport.planning import MISSING_REASON, Plan, Progress, missing_people, usable_rows
from staffimport.privileged import privileged_ids

APPLY_BATCH = 1000
_DEACTIVATE_BATCH = 500


class ApplyStopped(Exception):
    """The portal changed under a running import, so a batch could not be applied."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{shown}{more}")


@dataclass
class Applier:
    staff_import: StaffImport
    stream: IO[bytes]
    plan: Plan
    by: User | None
    note: str
    ip: str | None
    today: date
    deactivate_missing: bool
    progress: Progress

    def run(self) -> dict[str, int]:
        ctx = Context(
            today=self.today,
            departments={d.code.lower(): d for d in Department.objects.all()},
            lock=True,
            privileged=privileged_ids(),
        )
        counts = {
            "created": 0,
            "updated": 0,
            "deactivated": 0,
            "departments_created": 0,
            "held": 0,
        }
        for department in self.plan.departments:
            if department["code"].lower() not in ctx.departments:
                ctx.add_department(
                    department_create(
                        code=department["code"],
                        name=department["name"],
                        by=self.by,
                        note=self.note,
                        ip=self.ip,
                    )
                )
                counts["departments_created"] += 1
        done = 0
        for rows in self._batches():
            self._apply(rows, ctx, counts)
            done += len(rows)
            self.progress("Applying the changes", done, self.plan.total_rows)
        if self.deactivate_missing:
            self._deactivate_missing(counts, ctx.privileged)
        return counts

    def _batches(self) -> Iterator[list[Row]]:
        for level in range(self.plan.levels):
            batch: list[Row] = []
            for row in usable_rows(self.stream):
                if self.plan.depth.get(row.staff_number, 0) != level:
                    continue
                batch.append(row)
                if len(batch) >= APPLY_BATCH:
                    yield batch
                    batch = []
            if batch:
                yield batch

    @transaction.atomic
    def _apply(self, rows: list[Row], ctx: Context, counts: dict[str, int]) -> None:
        batch = compare_batch(rows, ctx)
        if batch.problems:
            raise ApplyStopped(batch.problems)
        numbers = {c.fields["line_manager"] for c in batch.creates}
        numbers |= {
            u.changes["line_manager"][1] for u in batch.updates if "line_manager" in u.changes
        }
        numbers.discard(None)
        managers = dict(
            User.objects.filter(staff_number__in=numbers).values_list("staff_number", "pk")
        )

        def for_service(fields: dict[str, Any]) -> dict[str, Any]:
            out = dict(fields)
            if "department" in out:
                code = out.pop("department")
                out["department_id"] = ctx.departments[code.lower()].pk if code else None
            if "line_manager" in out:
                number = out.pop("line_manager")
                if number and number not in managers:
                    raise ApplyStopped(
                        [Problem(0, "", f"line manager {number} is no longer in the portal.")]
                    )
                out["line_manager_id"] = managers[number] if number else None
            return out

        if batch.creates:
            created = users_create_many(
                people=[for_service(c.fields) for c in batch.creates],
                by=self.by,
                verb=StaffImportEvent.USER_IMPORTED,
                note=self.note,
                ip=self.ip,
            )
            counts["created"] += len(created)
        if batch.updates:
            counts["updated"] += users_update_many(
                updates=[
                    (u.user, for_service({k: new for k, (_old, new) in u.changes.items()}))
                    for u in batch.updates
                ],
                by=self.by,
                note=self.note,
                ip=self.ip,
            )
        for gone in batch.deactivations:
            if user_deactivate(
                user=gone.user,
                by=self.by,
                reason=f"{gone.reason} ({self.note})",
                leave_date=gone.leave_date,
                ip=self.ip,
            ):
                counts["deactivated"] += 1
        counts["held"] += held_changes_record(
            staff_import=self.staff_import, holds=batch.held, by=self.by, ip=self.ip
        )

    def _deactivate_missing(self, counts: dict[str, int], privileged: set[int]) -> None:
        ids = [pk for pk, _number, _name in missing_people(self.plan.in_file)]
        held = [pk for pk in ids if pk in privileged]
        ids = [pk for pk in ids if pk not in privileged]
        if held:
            holds = [
                Hold(None, user, HeldChange.Kind.DEACTIVATE, reason=MISSING_REASON)
                for user in User.objects.filter(pk__in=held, is_active=True)
            ]
            counts["held"] += held_changes_record(
                staff_import=self.staff_import, holds=holds, by=self.by, ip=self.ip
            )
        for start in range(0, len(ids), _DEACTIVATE_BATCH):
            with transaction.atomic():
                people = User.objects.select_for_update().filter(
                    pk__in=ids[start : start + _DEACTIVATE_BATCH], is_active=True
                )
                for user in people:
                    if user_deactivate(
                        user=user,
                        by=self.by,
                        reason=f"Not in the HR file ({self.note})",
                        ip=self.ip,
                    ):
                        counts["deactivated"] += 1
            self.progress(
                "Deactivating people missing from the file",
                min(start + _DEACTIVATE_BATCH, len(ids)),
                len(ids),
            )
