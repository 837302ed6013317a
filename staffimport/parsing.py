"""Reading HR's CSV file: refuse what is not a UTF-8 CSV with the right header, and turn each row
into checked values, reporting every problem by line number and column.

Files are read as a stream of lines (never whole into memory), so a 250,000-row export costs the
same memory as a small one.
"""

import csv
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat

from portal.lib.uktime import long_date
from portal.models import EmploymentType
from staffimport.columns import (
    COLUMN_NAMES,
    EMPLOYMENT_TYPES,
    MAX_LENGTHS,
    REQUIRED,
)

# Large enough for a whole force's export (250,000 people is about 40 MB).
MAX_FILE_BYTES = 80 * 1024 * 1024
_READ_BLOCK = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
# The first bytes of files people pick by mistake, and what to tell them.
_NOT_CSV = [
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zipped file"),
    (b"\xd0\xcf\x11\xe0", "an older Excel workbook (.xls)"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
]
SAVE_AS_CSV = 'In Excel, choose "Save As" and then "CSV UTF-8 (Comma delimited)".'


# Text that people read (in the portal, in emails, in every CSV export a spreadsheet opens). A
# spreadsheet runs a cell starting with one of these as a formula: "=HYPERLINK(...)" as a name
# would be a link in HR's next export and "Hello =HYPERLINK(...)" in an email.
TEXT_COLUMNS = ("full_name", "job_title", "department_name")
_FORMULA_STARTS = ("=", "+", "@", "\t")

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


class StaffFileError(ValidationError):
    """The file as a whole cannot be read: wrong kind, wrong encoding, empty, bad header."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # about the file as a whole
            return self.message
        where = f"Line {self.line}, {self.column}" if self.column else f"Line {self.line}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(slots=True)
class Row:
    """One person's row, checked. `values` holds only the optional columns the file has: a
    column left out of the file leaves that detail alone."""

    line: int
    staff_number: str
    full_name: str
    email: str
    active: bool = True
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Header:
    # Column name -> position in the row.
    positions: dict[str, int]
    width: int
    ignored: tuple[str, ...] = ()

    def has(self, column: str) -> bool:
        return column in self.positions


def shown(value: str, limit: int = 60) -> str:
    """A value from the file, quoted and cut short, for a message."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _binary_lines(stream: IO[bytes]) -> Iterator[bytes]:
    # Split on \n only: a lone \r inside a quoted cell must reach the CSV reader untouched.
    stream.seek(0)
    pending = b""
    while block := stream.read(_READ_BLOCK):
        pending += block
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line + b"\n"
    if pending:
        yield pending


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    """Decode line by line, so a byte that is not UTF-8 is reported with its line number."""
    for number, raw in enumerate(_binary_lines(stream), start=1):
        if number == 1:
            raw = raw.removeprefix(_BOM)
        if b"\x00" in raw:
            raise StaffFileError(
                f"This is not a text file (line {number} holds binary data). "
                f"Please choose a CSV file. {SAVE_AS_CSV}"
            )
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise StaffFileError(
                f"The file is not saved as UTF-8 text (the first character it cannot read is on "
                f"line {number}). {SAVE_AS_CSV}"
            ) from None


def _records(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, its cells), skipping blank lines."""
    reader = csv.reader(_text_lines(stream), strict=True)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise StaffFileError(
            f"Line {reader.line_num} cannot be read as CSV ({exc}). Check for a stray quote mark."
        ) from None


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _header(cells: list[str]) -> Header:
    if len(cells) == 1 and (";" in cells[0] or "\t" in cells[0]):
        raise StaffFileError(
            "The columns are separated by semicolons or tabs; the import needs commas. "
            + SAVE_AS_CSV
        )
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(cells):
        name = _normalise(cell)
        if name in positions:
            raise StaffFileError(f"The header row has the column {shown(name)} twice.")
        if name in COLUMN_NAMES:
            positions[name] = index
        elif name:
            ignored.append(cell.strip())
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise StaffFileError(
            "The first row must be the header row, and it has no "
            + ", ".join(missing)
            + " column. Download the template to see the column names."
        )
    return Header(positions=positions, width=len(cells), ignored=tuple(ignored))


def check_file(upload: IO[bytes], *, size: int) -> tuple[Header, int]:
    """Refuse a file that cannot be imported at all; return its header and number of rows."""
    if size == 0:
        raise StaffFileError("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise StaffFileError(
            f"The file is {filesizeformat(size)}; the largest the import takes is "
            f"{filesizeformat(MAX_FILE_BYTES)}. Split it, or run the import_staff command."
        )
    upload.seek(0)
    head = upload.read(8)
    for magic, what in _NOT_CSV:
        if head.startswith(magic):
            raise StaffFileError(f"This is {what}, not a CSV file. {SAVE_AS_CSV}")
    records = _records(upload)
    first = next(records, None)
    if first is None:
        raise StaffFileError("The file is empty: it has no header row and no people.")
    header = _header(first[1])
    rows = sum(1 for _ in records)
    if rows == 0:
        raise StaffFileError("The file has a header row but no people in it.")
    return header, rows


def read_rows(stream: IO[bytes]) -> Iterator[tuple[Row | None, list[Problem]]]:
    """Each data row in file order, with the problems found in it; a row with problems must not
    be applied (Row is None when it cannot be read at all). The file must have passed
    check_file."""
    records = _records(stream)
    _line, cells = next(records)
    header = _header(cells)
    for line, cells in records:
        if len(cells) != header.width:
            yield (
                None,
                [
                    Problem(
                        line,
                        "",
                        f"this row has {len(cells)} values but the header row has {header.width} "
                        "columns. Check for a missing or extra comma.",
                    )
                ],
            )
            continue
        yield _row(line, cells, header)


def text_problem(value: str) -> str:
    """Why a name or job title cannot be taken as it is, or "". `value` is the cell as the file
    has it (a leading tab would otherwise be stripped off with the spaces)."""
    start = value.lstrip(" ")
    if start.startswith(_FORMULA_STARTS):
        first = "a tab" if start[0] == "\t" else start[0]
        return (
            f"{shown(value)} starts with {first}, which a spreadsheet would run as a formula. "
            "Names and job titles cannot start with =, +, @ or a tab."
        )
    if any(unicodedata.category(char) == "Cc" for char in value.strip()):
        return (
            f"{shown(value)} contains a control character (such as a line break); names and job "
            "titles must be plain text on one line."
        )
    return ""


# Reports a problem in the row being read: bad(column, message).
_Report = Callable[[str, str], None]


def _row(line: int, cells: list[str], header: Header) -> tuple[Row, list[Problem]]:
    problems: list[Problem] = []
    raw = {name: cells[index].strip() for name, index in header.positions.items()}

    def bad(column: str, message: str) -> None:
        problems.append(Problem(line, column, message))

    _check_text(cells, header, bad)
    _check_lengths_and_blanks(raw, bad)
    email = _email(raw, bad)
    values = _given_values(raw, header, bad)
    values.update(_parsed_values(raw, header, bad))
    active = _active(raw, header, bad)
    # The row comes back even with problems, so its staff number and email still count when
    # other rows are checked for duplicates and line managers (one mistake, one message).
    return Row(line, raw["staff_number"], raw["full_name"], email, active, values), problems


def _check_text(cells: list[str], header: Header, bad: _Report) -> None:
    """Names and job titles as the file has them (before spaces and tabs are stripped)."""
    for name in TEXT_COLUMNS:
        if header.has(name):
            found = text_problem(cells[header.positions[name]])
            if found:
                bad(name, found)


def _check_lengths_and_blanks(raw: dict[str, str], bad: _Report) -> None:
    for name, value in raw.items():
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            bad(name, f"{shown(value)} is longer than {limit} characters.")
    for name in REQUIRED:
        if not raw[name]:
            bad(name, "is empty; every row needs one.")


def _email(raw: dict[str, str], bad: _Report) -> str:
    """The row's email, lower-cased; reported if it is there but not an email address."""
    email = raw["email"].lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            bad("email", f"{shown(raw['email'])} is not an email address.")
    return email


def _given_values(raw: dict[str, str], header: Header, bad: _Report) -> dict[str, Any]:
    """The optional columns taken as text: job title, department, line manager."""
    values: dict[str, Any] = {}
    for name in ("job_title", "department_code", "department_name"):
        if header.has(name):
            values[name] = raw[name]
    if values.get("department_name") and not values.get("department_code"):
        bad("department_code", "is empty but a department_name is given; add the code.")
    if header.has("line_manager_staff_number"):
        manager = raw["line_manager_staff_number"]
        if manager and manager == raw["staff_number"]:
            bad("line_manager_staff_number", "a person cannot be their own line manager.")
        values["line_manager"] = manager
    return values


def _parsed_values(raw: dict[str, str], header: Header, bad: _Report) -> dict[str, Any]:
    """The optional columns read as a type, a date or yes/no (left out when they do not read)."""
    values: dict[str, Any] = {}

    def parsed(name: str, parse: Callable[[str], Any]) -> None:
        if header.has(name):
            try:
                values[name] = parse(raw[name])
            except ValueError as exc:
                bad(name, str(exc))

    parsed("employment_type", parse_employment_type)
    parsed("start_date", parse_date)
    parsed("leave_date", parse_date)
    start, leave = values.get("start_date"), values.get("leave_date")
    if start and leave and leave < start:
        bad("leave_date", f"{long_date(leave)} is before the start date {long_date(start)}.")
    parsed("politically_restricted", partial(parse_yes_no, blank=False))
    return values


def _active(raw: dict[str, str], header: Header, bad: _Report) -> bool:
    """Yes unless the file has an active column that says no."""
    if not header.has("active"):
        return True
    try:
        return parse_yes_no(raw["active"], True)
    except ValueError as exc:
        bad("active", str(exc))
        return True


def parse_date(value: str) -> date | None:
    if not value:
        return None
    for pattern, form in ((_ISO_DATE, "%Y-%m-%d"), (_UK_DATE, "%d/%m/%Y")):
        if pattern.match(value):
            try:
                # A date has no time of day or zone: time.strptime is the same parser as
                # datetime.strptime, without the naive datetime in between.
                return date(*time.strptime(value, form)[:3])
            except ValueError:
                break
    raise ValueError(f"{shown(value)} is not a date; write it as 2026-03-31 or 31/03/2026.")


def parse_yes_no(value: str, blank: bool) -> bool:
    word = value.strip().lower()
    if not word:
        return blank
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{shown(value)} is not yes or no.")


_TYPE_LOOKUP = {
    **{value: value for value in EmploymentType.values},
    **{label.lower(): value for value, label in EmploymentType.choices},
    **{value.replace("_", " "): value for value in EmploymentType.values},
}


def parse_employment_type(value: str) -> str | None:
    """A value or a label, any case; None for blank (keep what the portal has)."""
    word = " ".join(value.strip().lower().replace("-", " ").split())
    if not word:
        return None
    found = _TYPE_LOOKUP.get(word) or _TYPE_LOOKUP.get(word.replace(" ", "_"))
    if found is None:
        raise ValueError(
            f"{shown(value)} is not an employment type; use one of: {EMPLOYMENT_TYPES}."
        )
    return found
