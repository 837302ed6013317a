"""One batch of rows against the people already in the portal: who would be added, changed,
deactivated or left alone. Used for the preview and again, batch by batch, when applying, so
what is applied is worked out exactly as what was previewed.

Departments are compared by code and line managers by staff number (never by database id), so
a preview can name a department or manager that this same file adds.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models.functions import Lower
from django.utils.text import capfirst

from portal.lib.uktime import long_date, short_date
from portal.models import Department, EmploymentType, User
from portal.services.users import PERSON_FIELDS
from staffimport.models import HeldChange
from staffimport.parsing import Problem, Row, shown

LABELS = {
    "staff_number": "Staff number",
    "full_name": "Name",
    "email": "Email",
    "job_title": "Job title",
    "department": "Department",
    "line_manager": "Line manager",
    "employment_type": "Employment type",
    "start_date": "Start date",
    "leave_date": "Leave date",
    "politically_restricted": "Politically restricted",
}
_TYPES = dict(EmploymentType.choices)
_USER_FIELDS = ["id", *PERSON_FIELDS, "is_active"]


@dataclass
class Context:
    """What every batch needs to know, loaded once per run."""

    today: date
    # Existing departments by lower-cased code; applying adds the ones it creates.
    departments: dict[str, Department]
    # Lock the people a batch changes (when applying), so nobody's edit is lost in between.
    lock: bool = False
    # People whose sign-in email and leaving the file may only ask for (privileged.py).
    privileged: set[int] = field(default_factory=set)
    _codes: dict[int, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._codes = {d.pk: d.code for d in self.departments.values()}

    def add_department(self, department: Department) -> None:
        self.departments[department.code.lower()] = department
        self._codes[department.pk] = department.code

    def department_code(self, pk: int | None) -> str | None:
        return None if pk is None else self._codes.get(pk, f"#{pk}")


@dataclass
class Create:
    row: Row
    fields: dict[str, Any]


@dataclass
class Update:
    row: Row
    user: User
    changes: dict[str, tuple[Any, Any]]


@dataclass
class Deactivate:
    row: Row | None
    user: User
    reason: str
    leave_date: date | None = None


@dataclass
class Hold:
    """A change to a privileged person that waits for a system administrator's approval."""

    row: Row | None
    user: User
    kind: str  # HeldChange.Kind
    old: str = ""
    new: str = ""
    reason: str = ""


@dataclass
class Skip:
    row: Row
    reason: str


@dataclass
class Batch:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    deactivations: list[Deactivate] = field(default_factory=list)
    held: list[Hold] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    # Staff numbers the portal already has: line managers applying can find at any time.
    found: set[str] = field(default_factory=set)


def leaving_reason(row: Row, today: date) -> str:
    """Why this row means the person has left, or "" if they have not."""
    if not row.active:
        return "marked as left (active is no) in the file"
    leave = row.values.get("leave_date")
    if leave and leave < today:
        return f"their leave date, {long_date(leave)}, has passed"
    return ""


def compare_batch(rows: list[Row], ctx: Context) -> Batch:
    """Compare rows (already free of problems) with the portal: four queries per batch."""
    batch = Batch()
    people = User.objects.only(*_USER_FIELDS)
    if ctx.lock:
        people = people.select_for_update(of=("self",))
    existing = {
        u.staff_number: u for u in people.filter(staff_number__in=[r.staff_number for r in rows])
    }
    by_email = {
        u.email.lower(): u
        for u in people.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[r.email for r in rows]
        )
    }
    batch.found = set(existing)
    manager_ids = {u.line_manager_id for u in [*existing.values(), *by_email.values()]} - {None}
    managers = {
        pk: number or f"#{pk}"
        for pk, number in User.objects.filter(pk__in=manager_ids).values_list("pk", "staff_number")
    }
    for row in rows:
        user = existing.get(row.staff_number)
        owner = by_email.get(row.email)
        if user is None and owner is not None and not owner.staff_number:
            # An account made by hand before HR's file knew it: the file claims it by email.
            user = owner
        elif owner is not None and owner != user:
            number = f", staff number {owner.staff_number}" if owner.staff_number else ""
            batch.problems.append(
                Problem(
                    row.line,
                    "email",
                    f"{shown(row.email)} already belongs to {owner.full_name}{number}, in the "
                    "portal. If their address is changing too, import that change first.",
                )
            )
            continue
        leaving = leaving_reason(row, ctx.today)
        if user is None:
            if leaving:
                batch.skipped.append(Skip(row, f"Not added: {leaving}."))
            else:
                batch.creates.append(Create(row, _new_fields(row)))
            continue
        _compare_person(batch, row, user, leaving, ctx, managers)
    return batch


def _compare_person(
    batch: Batch, row: Row, user: User, leaving: str, ctx: Context, managers: dict[int, str]
) -> None:
    """A row against the account it matched: updated, deactivated, held, skipped or unchanged."""
    changes = _changes(row, user, ctx, managers)
    deactivate = bool(user.is_active and leaving)
    if deactivate:
        # user_deactivate records the leave date itself, with the reason.
        changes.pop("leave_date", None)
    held = False
    if user.pk in ctx.privileged:
        held = _hold(batch, row, user, changes, leaving if deactivate else "")
        deactivate = deactivate and not held
    if changes:
        batch.updates.append(Update(row, user, changes))
    if deactivate:
        batch.deactivations.append(
            Deactivate(row, user, capfirst(leaving), row.values.get("leave_date"))
        )
    elif not user.is_active and not leaving:
        batch.skipped.append(
            Skip(
                row,
                "Stays inactive: they have left, and the import does not bring people back. "
                "A system administrator can reactivate them on their page under "
                "Administration, People.",
            )
        )
    elif not changes and not held:
        batch.unchanged += 1


def _hold(batch: Batch, row: Row, user: User, changes: dict, leaving: str) -> bool:
    """Take out of `changes` what the file may not do to a privileged person on its own:
    a new sign-in email, a leave date (the leavers sweep would deactivate them on it) and
    deactivating them. Returns True if anything was held."""
    before = len(batch.held)
    if "email" in changes:
        old, new = changes.pop("email")
        batch.held.append(Hold(row, user, HeldChange.Kind.EMAIL, old, new))
    if user.is_active and changes.get("leave_date", (None, None))[1] is not None:
        old, new = changes.pop("leave_date")
        batch.held.append(
            Hold(row, user, HeldChange.Kind.LEAVE_DATE, old.isoformat() if old else "", str(new))
        )
    if leaving:
        leave = row.values.get("leave_date")
        batch.held.append(
            Hold(
                row,
                user,
                HeldChange.Kind.DEACTIVATE,
                new=leave.isoformat() if leave else "",
                reason=capfirst(leaving),
            )
        )
    return len(batch.held) > before


def _new_fields(row: Row) -> dict[str, Any]:
    values = row.values
    return {
        "staff_number": row.staff_number,
        "full_name": row.full_name,
        "email": row.email,
        "job_title": values.get("job_title", ""),
        "department": values.get("department_code") or None,
        "line_manager": values.get("line_manager") or None,
        "employment_type": values.get("employment_type") or EmploymentType.EMPLOYEE,
        "start_date": values.get("start_date"),
        "leave_date": values.get("leave_date"),
        "politically_restricted": values.get("politically_restricted", False),
    }


def _changes(
    row: Row, user: User, ctx: Context, managers: dict[int, str]
) -> dict[str, tuple[Any, Any]]:
    """What the row would change about this person: field -> (old, new)."""
    proposed = _proposed(row, user)
    linked, current = _proposed_links(row.values, user, ctx, managers)
    proposed.update(linked)
    changes = {}
    for name, new in proposed.items():
        old = current[name] if name in current else getattr(user, name)
        if old != new:
            changes[name] = (old, new)
    return changes


def _proposed(row: Row, user: User) -> dict[str, Any]:
    """The details the row gives that are compared as they are."""
    values = row.values
    proposed: dict[str, Any] = {"full_name": row.full_name}
    if not user.staff_number:
        proposed["staff_number"] = row.staff_number
    if user.email.lower() != row.email:
        proposed["email"] = row.email
    for name in ("job_title", "start_date", "politically_restricted"):
        if name in values:
            proposed[name] = values[name]
    if "leave_date" in values and (user.is_active or values["leave_date"] is not None):
        # A blank leave date never wipes the date a leaver left on.
        proposed["leave_date"] = values["leave_date"]
    if values.get("employment_type"):
        proposed["employment_type"] = values["employment_type"]
    return proposed


def _proposed_links(
    values: dict[str, Any], user: User, ctx: Context, managers: dict[int, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Department and line manager, as proposed and as they are now: both by code and staff
    number (never by database id), so a department or manager this same file adds compares."""
    proposed: dict[str, Any] = {}
    current: dict[str, Any] = {}
    if "department_code" in values:
        code = values["department_code"]
        known = ctx.departments.get(code.lower()) if code else None
        proposed["department"] = known.code if known else (code or None)
        current["department"] = ctx.department_code(user.department_id)
    if "line_manager" in values:
        proposed["line_manager"] = values["line_manager"] or None
        current["line_manager"] = (
            managers.get(user.line_manager_id) if user.line_manager_id else None
        )
    return proposed, current


def show(name: str, value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return short_date(value)
    if name == "employment_type":
        return _TYPES.get(value, value)
    return str(value)
