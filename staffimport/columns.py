"""The columns of HR's file the staff import reads, described for the upload page and the
template CSV as well as for the parser."""

from dataclasses import dataclass

from portal.models import EmploymentType


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str
    max_length: int | None = None


EMPLOYMENT_TYPES = ", ".join(label for _value, label in EmploymentType.choices)

COLUMNS = [
    Column(
        "staff_number",
        True,
        "HR's staff number: how the import recognises a person.",
        "S004217",
        40,
    ),
    Column(
        "full_name",
        True,
        "Their name as the portal should show it: plain text, not starting with =, +, @ or a tab.",
        "Jane Example",
        200,
    ),
    Column(
        "email",
        True,
        "Work email address, which they sign in with. No two people may share one.",
        "jane.example@example.org",
        254,
    ),
    Column("job_title", False, "Job title (plain text, as for the name).", "Policy officer", 200),
    Column(
        "department_code",
        False,
        "HR's code for their department. A code the portal does not know adds that department.",
        "BUS",
        40,
    ),
    Column(
        "department_name",
        False,
        "The department's name, used when the code is new.",
        "Business services",
        200,
    ),
    Column(
        "line_manager_staff_number",
        False,
        "Their line manager's staff number: someone anywhere in this file, or already in the "
        "portal. Blank means no line manager.",
        "S000112",
        40,
    ),
    Column(
        "employment_type",
        False,
        f"One of: {EMPLOYMENT_TYPES}. Blank keeps what the portal has (Employee for new people).",
        "Employee",
    ),
    Column("start_date", False, "Start date, as 2026-03-31 or 31/03/2026.", "2026-03-31"),
    Column(
        "leave_date",
        False,
        "Leave date, as 2026-03-31 or 31/03/2026. A date before today deactivates them.",
        "",
    ),
    Column(
        "politically_restricted",
        False,
        "Is the post politically restricted? yes or no (blank means no).",
        "no",
    ),
    Column(
        "active",
        False,
        "yes, or no for someone who has left (this deactivates them). Blank means yes.",
        "yes",
    ),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]
MAX_LENGTHS = {c.name: c.max_length for c in COLUMNS if c.max_length}
