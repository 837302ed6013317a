"""The whole file against the portal, before anything changes: every problem (by line and
column), or else the full list of what applying it would do.

Two passes over the file. The first reads every row and keeps only keys (staff numbers, emails,
line managers, departments) to find duplicates, unknown line managers and loops in reporting
lines. The second compares the rows with the portal in batches. A digest of every planned change
lets applying prove it is doing what was previewed.
"""

import hashlib
import heapq
import json
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from portal.models import Department, User
from staffimport.compare import (
    LABELS,
    Batch,
    Context,
    Hold,
    compare_batch,
    leaving_reason,
    show,
)
from staffimport.models import HeldChange
from staffimport.naming import NAMED, name_preview
from staffimport.parsing import Problem, Row, read_rows, shown
from staffimport.privileged import privileged_ids
from staffimport.reporting_lines import apply_order, check_loops, check_managers

PROBLEM_LIMIT = 1000
LIST_LIMIT = 500
BATCH_ROWS = 2000
_QUERY_CHUNK = 5000
# Deactivating more than this share of HR's people in one go is worth a second look.
MISSING_WARNING_SHARE = 0.10

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Capped:
    """A list that keeps its first `limit` items and counts them all."""

    limit: int
    items: list = field(default_factory=list)
    total: int = 0

    def add(self, item: Any) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(item)


@dataclass
class InLineOrder:
    """Problems, kept as the `limit` earliest in the file (by line, then as found), and all
    counted. Checks find problems in several passes (rows, then departments, line managers,
    loops, the portal's records), but a person putting them right reads the file top down."""

    limit: int
    total: int = 0
    _heap: list = field(default_factory=list, repr=False)

    def add(self, problem: Problem) -> None:
        self.total += 1
        # A max-heap on (line, order found): the latest is the one dropped when over the limit.
        entry = (-problem.line, -self.total, problem)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    @property
    def items(self) -> list[Problem]:
        return [problem for _line, _order, problem in sorted(self._heap, reverse=True)]


@dataclass
class Plan:
    total_rows: int = 0
    problems: InLineOrder = field(default_factory=lambda: InLineOrder(PROBLEM_LIMIT))
    warnings: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    creates: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    updates: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    deactivations: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    # Changes to privileged people, applied only once a system administrator approves them.
    held: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    skipped: Capped = field(default_factory=lambda: Capped(LIST_LIMIT))
    departments: list[dict[str, str]] = field(default_factory=list)
    unchanged: int = 0
    missing: int = 0
    digest: str = ""
    # Staff number -> how many line managers above them are not yet in the portal under their
    # staff number (this file adds them, or gives an existing account its number): applying goes
    # level by level so that a manager is always there before the people they manage.
    depth: dict[str, int] = field(default_factory=dict)
    # Staff number -> line, for every row: who is "in the file" when deactivating the rest.
    in_file: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.problems.total == 0

    @property
    def levels(self) -> int:
        return max(self.depth.values(), default=0) + 1

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total_rows,
            "creates": self.creates.total,
            "updates": self.updates.total,
            "deactivations": self.deactivations.total,
            "held": self.held.total,
            "missing": self.missing,
            "unchanged": self.unchanged,
            "skipped": self.skipped.total,
            "departments": len(self.departments),
            "warnings": self.warnings.total,
        }

    def preview(self) -> dict[str, Any]:
        return {
            "creates": self.creates.items,
            "updates": self.updates.items,
            "deactivations": self.deactivations.items,
            "held": self.held.items,
            "skipped": self.skipped.items,
            "departments": self.departments[:LIST_LIMIT],
            "warnings": [w.as_dict() for w in self.warnings.items],
        }


@dataclass
class _Scan:
    """What the first pass keeps: keys only, never whole rows."""

    rows: int = 0
    lines: dict[str, int] = field(default_factory=dict)  # staff number -> line
    emails: dict[str, int] = field(default_factory=dict)  # email -> line
    managers: dict[str, str] = field(default_factory=dict)  # staff number -> manager's
    leaving: set[str] = field(default_factory=set)
    # lower-cased code -> [code, name, first line]
    departments: dict[str, list] = field(default_factory=dict)
    bad_lines: set[int] = field(default_factory=set)


def plan_import(
    stream: IO[bytes],
    *,
    deactivate_missing: bool,
    today: date,
    progress: Progress = _no_progress,
    actor_id: int | None = None,
) -> Plan:
    """`actor_id`: the person who will apply it, warned if it would deactivate them."""
    plan = Plan()
    scan = _scan(stream, plan, today, progress)
    ctx = Context(
        today=today,
        departments={d.code.lower(): d for d in Department.objects.all()},
        privileged=privileged_ids(),
    )
    _check_departments(scan, ctx, plan)

    def problem(found: Problem) -> None:
        plan.problems.add(found)
        scan.bad_lines.add(found.line)

    found = check_managers(scan.managers, scan.lines, scan.leaving, problem, plan.warnings.add)
    check_loops(scan.managers, scan.lines, found, problem)

    digest = hashlib.sha256()
    done = 0
    arriving: set[str] = set()
    managers = set(scan.managers.values())
    file_names: dict[str, str] = {}  # the line managers' names, as this file gives them
    for rows in _batches(stream, scan.bad_lines):
        file_names.update((r.staff_number, r.full_name) for r in rows if r.staff_number in managers)
        batch = compare_batch(rows, ctx)
        _record(batch, plan, digest, actor_id)
        arriving.update(r.staff_number for r in rows if r.staff_number not in batch.found)
        done += len(rows)
        progress("Comparing the file with the portal", done, plan.total_rows)
    if plan.ok:
        plan.depth = apply_order(scan.managers, arriving)
        name_preview(
            plan.creates.items,
            plan.updates.items,
            ctx=ctx,
            new_departments=plan.departments,
            file_names=file_names,
        )
    for department in plan.departments:
        digest.update(f"N|{department['code']}|{department['name']}\n".encode())
    if deactivate_missing:
        _missing(scan, plan, digest, progress, actor_id, ctx.privileged)
    plan.digest = digest.hexdigest()
    return plan


def usable_rows(stream: IO[bytes], bad_lines: AbstractSet[int] = frozenset()) -> Iterator[Row]:
    for row, problems in read_rows(stream):
        if row is not None and not problems and row.line not in bad_lines:
            yield row


def _batches(stream: IO[bytes], bad_lines: set[int]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in usable_rows(stream, bad_lines):
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _scan(stream: IO[bytes], plan: Plan, today: date, progress: Progress) -> _Scan:
    scan = _Scan()

    def problem(line: int, column: str, message: str) -> None:
        plan.problems.add(Problem(line, column, message))
        scan.bad_lines.add(line)

    for row, problems in read_rows(stream):
        scan.rows += 1
        for found in problems:
            problem(found.line, found.column, found.message)
        if row is None:
            continue
        _scan_duplicates(scan, row, problem)
        _scan_reporting_line(scan, row, today)
        _scan_department(scan, row, plan.warnings.add)
        if scan.rows % BATCH_ROWS == 0:
            progress("Reading the file", scan.rows, 0)
    plan.total_rows = scan.rows
    plan.in_file = scan.lines
    return scan


def _scan_duplicates(scan: _Scan, row: Row, problem: Callable[[int, str, str], None]) -> None:
    """A staff number or email already on an earlier line is a problem; else note its line."""
    number = row.staff_number
    if number:
        if number in scan.lines:
            problem(
                row.line,
                "staff_number",
                f"{shown(number)} is also on line {scan.lines[number]}.",
            )
        else:
            scan.lines[number] = row.line
    if row.email:
        if row.email in scan.emails:
            problem(
                row.line,
                "email",
                f"{shown(row.email)} is also on line {scan.emails[row.email]}.",
            )
        else:
            scan.emails[row.email] = row.line


def _scan_reporting_line(scan: _Scan, row: Row, today: date) -> None:
    number = row.staff_number
    manager = row.values.get("line_manager")
    if number and manager and manager != number:
        scan.managers[number] = manager
    if number and leaving_reason(row, today):
        scan.leaving.add(number)


def _scan_department(scan: _Scan, row: Row, warn: Callable[[Problem], None]) -> None:
    """Keep each department code's first name (or the first line that names it), and warn
    when a later line gives the same code another name."""
    code, name = row.values.get("department_code"), row.values.get("department_name", "")
    if not code:
        return
    seen = scan.departments.setdefault(code.lower(), [code, name, row.line])
    if name and not seen[1]:
        seen[1] = name
    elif name and name != seen[1]:
        warn(
            Problem(
                row.line,
                "department_name",
                f"{shown(name)} differs from "
                f"{shown(seen[1])} for the same code on line {seen[2]}; the first is used.",
            )
        )


def _check_departments(scan: _Scan, ctx: Context, plan: Plan) -> None:
    for key, (code, name, line) in scan.departments.items():
        known = ctx.departments.get(key)
        if known is None and not name:
            plan.problems.add(
                Problem(
                    line,
                    "department_code",
                    f"{shown(code)} is not a department in the "
                    "portal yet; give its department_name so that it can be added.",
                )
            )
        elif known is None:
            plan.departments.append({"code": code, "name": name})
        elif name and name != known.name:
            plan.warnings.add(
                Problem(
                    line,
                    "department_name",
                    f"the portal calls department {code} {shown(known.name)}; that name is kept.",
                )
            )


_YOU_LEAVE = (
    "You are among the people this deactivates: once it is applied you will no longer be able "
    "to sign in."
)
_YOU_LEAVE_HELD = (
    "You are among the people this deactivates: once a system administrator approves it you "
    "will no longer be able to sign in."
)


def _record(batch: Batch, plan: Plan, digest: Any, actor_id: int | None) -> None:
    for problem in batch.problems:
        plan.problems.add(problem)
    if not plan.ok:
        return  # nothing will be applied, so there is nothing to preview
    for create in batch.creates:
        row, fields = create.row, create.fields
        plan.creates.add(
            {
                "line": row.line,
                "staff_number": row.staff_number,
                "full_name": row.full_name,
                "email": row.email,
                "job_title": fields["job_title"],
                "department": fields["department"] or "",
                "line_manager": fields["line_manager"] or "",
            }
        )
        digest.update(f"C|{row.staff_number}|{_canonical(fields)}\n".encode())
    for update in batch.updates:
        plan.updates.add(
            {
                "line": update.row.line,
                "staff_number": update.row.staff_number,
                "full_name": update.row.full_name,
                # Codes stay codes until the whole file is read (naming.py names them).
                "changes": [
                    [LABELS[name], old, new]
                    if name in NAMED
                    else [LABELS[name], show(name, old), show(name, new)]
                    for name, (old, new) in update.changes.items()
                ],
                "_fields": list(update.changes),
            }
        )
        digest.update(f"U|{update.user.pk}|{_canonical(update.changes)}\n".encode())
    for gone in batch.deactivations:
        plan.deactivations.add(
            {
                "line": gone.row.line if gone.row else None,
                # A person missing from the file has no row to fall back on.
                "staff_number": gone.user.staff_number
                or (gone.row.staff_number if gone.row else ""),
                "full_name": gone.user.full_name,
                "reason": gone.reason,
            }
        )
        digest.update(f"D|{gone.user.pk}|{gone.leave_date}\n".encode())
        if gone.user.pk == actor_id:
            plan.warnings.add(Problem(gone.row.line if gone.row else 0, "", _YOU_LEAVE))
    for hold in batch.held:
        _record_hold(hold, plan, digest)
        if hold.kind == HeldChange.Kind.DEACTIVATE and hold.user.pk == actor_id:
            plan.warnings.add(Problem(hold.row.line if hold.row else 0, "", _YOU_LEAVE_HELD))
    for skip in batch.skipped:
        plan.skipped.add(
            {
                "line": skip.row.line,
                "staff_number": skip.row.staff_number,
                "full_name": skip.row.full_name,
                "reason": skip.reason,
            }
        )
    plan.unchanged += batch.unchanged


def _record_hold(hold: Hold, plan: Plan, digest: Any) -> None:
    plan.held.add(
        {
            "line": hold.row.line if hold.row else None,
            "staff_number": hold.user.staff_number or (hold.row.staff_number if hold.row else ""),
            "full_name": hold.user.full_name,
            "change": HeldChange.describe(hold.kind, hold.old, hold.new, hold.reason),
        }
    )
    digest.update(f"H|{hold.user.pk}|{hold.kind}|{hold.new}\n".encode())


MISSING_REASON = "Not in this file"
DEACTIVATE = HeldChange.Kind.DEACTIVATE


def missing_people(scan_lines: dict[str, int]) -> Iterator[tuple[int, str, str]]:
    """Active people with a staff number that the file does not have: (id, number, name)."""
    people = (
        User.objects.filter(is_active=True)
        .exclude(staff_number="")
        .order_by("pk")
        .values_list("pk", "staff_number", "full_name")
    )
    for pk, number, name in people.iterator(chunk_size=_QUERY_CHUNK):
        if number not in scan_lines:
            yield pk, number, name


def _missing(
    scan: _Scan,
    plan: Plan,
    digest: Any,
    progress: Progress,
    actor_id: int | None,
    privileged: set[int],
) -> None:
    if not plan.ok:
        return
    missing = 0
    for pk, number, name in missing_people(scan.lines):
        missing += 1
        if pk in privileged:
            plan.held.add(
                {
                    "line": None,
                    "staff_number": number,
                    "full_name": name,
                    "change": HeldChange.describe(DEACTIVATE, "", "", MISSING_REASON),
                }
            )
            digest.update(f"H|{pk}|{DEACTIVATE}|missing\n".encode())
        else:
            plan.missing += 1
            plan.deactivations.add(
                {"line": None, "staff_number": number, "full_name": name, "reason": MISSING_REASON}
            )
            digest.update(f"D|{pk}|missing\n".encode())
        if pk == actor_id:
            plan.warnings.add(Problem(0, "", _YOU_LEAVE_HELD if pk in privileged else _YOU_LEAVE))
    progress("Checking for people missing from the file", missing, missing)
    with_numbers = User.objects.filter(is_active=True).exclude(staff_number="").count()
    if with_numbers and missing > MISSING_WARNING_SHARE * with_numbers:
        plan.warnings.add(
            Problem(
                0,
                "",
                f"{missing:,} of the {with_numbers:,} active people with a staff "
                "number are missing from this file and would be deactivated. Check that "
                "the file is the whole staff list.",
            )
        )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
