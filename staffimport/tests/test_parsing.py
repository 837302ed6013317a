from datetime import date
from io import BytesIO

import pytest

from portal.models import EmploymentType
from staffimport import parsing
from staffimport.parsing import (
    StaffFileError,
    check_file,
    parse_date,
    parse_employment_type,
    parse_yes_no,
    read_rows,
)
from staffimport.tests.support import csv_bytes, person


def check(data: bytes):
    return check_file(BytesIO(data), size=len(data))


def refusal(data: bytes) -> str:
    with pytest.raises(StaffFileError) as caught:
        check(data)
    return " ".join(caught.value.messages)


def test_a_good_file_is_counted_with_or_without_a_byte_order_mark():
    rows = [person("S1", "Zoë Ünal", "zoe@example.org"), person("S2", "Ann", "ann@example.org")]
    for bom in (False, True):
        header, count = check(csv_bytes(rows, bom=bom))
        assert count == 2
        assert header.has("staff_number")
        assert header.has("active")


def test_column_names_are_read_in_any_case_and_order_and_unknown_ones_are_ignored():
    data = b"Email,Full Name,STAFF-NUMBER,Payroll band\r\nann@example.org,Ann,S1,B3\r\n"
    header, count = check(data)
    assert count == 1
    assert header.ignored == ("Payroll band",)
    [(row, problems)] = list(read_rows(BytesIO(data)))
    assert problems == []
    assert (row.staff_number, row.full_name, row.email, row.values) == (
        "S1",
        "Ann",
        "ann@example.org",
        {},
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "no header row"),
        (b"staff_number,full_name,email\r\n", "a header row but no people"),
        (b"PK\x03\x04rest-of-a-zip", "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "older Excel workbook"),
        (b"%PDF-1.7\n", "a PDF"),
        (
            b"staff_number,full_name,email\r\nS1,Ren\xe9e,r@example.org\r\n",
            "not saved as UTF-8 text",
        ),
        (b"staff_number,full_name,email\r\nS1,A\x00B,r@example.org\r\n", "not a text file"),
        (b"staff_number;full_name;email\r\nS1;A;a@example.org\r\n", "semicolons"),
        (b"full_name,email\r\nA,a@example.org\r\n", "no staff_number column"),
        (b"staff_number,email,Email\r\n", "the column 'email' twice"),
        (b'staff_number,full_name,email\r\nS1,"Ann,a@example.org\r\n', "cannot be read as CSV"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_reason(data, message):
    assert message in refusal(data)


def test_the_line_that_is_not_utf8_is_named():
    data = b"staff_number,full_name,email\r\nS1,Ann,a@example.org\r\nS2,Ren\xe9e,r@example.org\r\n"
    assert "line 3" in refusal(data)


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 50)
    data = csv_bytes([person("S1", "Ann", "ann@example.org")])
    assert "the largest the import takes is 50" in refusal(data)


def test_a_row_with_too_few_values_is_reported_with_its_line():
    data = b"staff_number,full_name,email\r\n\r\nS1,Ann\r\n"
    [(row, problems)] = list(read_rows(BytesIO(data)))
    assert row is None
    assert str(problems[0]).startswith("Line 3: this row has 2 values but the header row has 3")


def test_a_quoted_value_over_two_lines_keeps_the_line_numbers_right():
    data = b'staff_number,full_name,email\r\nS1,"Ann\r\nSmith",a@example.org\r\nS2,Bo,bad\r\n'
    rows = list(read_rows(BytesIO(data)))
    assert rows[0][0].full_name == "Ann\r\nSmith"
    assert str(rows[1][1][0]) == "Line 4, email: 'bad' is not an email address."


def test_a_leave_date_before_the_start_date_is_a_problem():
    data = csv_bytes(
        [person("S1", "Ann", "a@example.org", start_date="2024-05-01", leave_date="01/04/2024")]
    )
    [(_row, problems)] = list(read_rows(BytesIO(data)))
    assert [str(p) for p in problems] == [
        "Line 2, leave_date: 1 April 2024 is before the start date 1 May 2024."
    ]


def test_dates_are_read_in_iso_and_uk_forms():
    assert parse_date("2026-03-31") == date(2026, 3, 31)
    assert parse_date("31/03/2026") == date(2026, 3, 31)
    assert parse_date("1/4/2026") == date(2026, 4, 1)
    assert parse_date("") is None
    for bad in ("2026-02-30", "03/31/2026", "31.03.2026", "yesterday"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_date(bad)


def test_yes_and_no_are_read_in_their_usual_spellings():
    assert [parse_yes_no(v, False) for v in ("yes", "Y", "TRUE", "1")] == [True] * 4
    assert [parse_yes_no(v, True) for v in ("no", "N", "false", "0")] == [False] * 4
    assert parse_yes_no("", True) is True
    assert parse_yes_no(" ", False) is False
    with pytest.raises(ValueError, match="'maybe' is not yes or no"):
        parse_yes_no("maybe", False)


def test_employment_types_are_read_by_value_or_label_in_any_case():
    assert parse_employment_type("work_experience") == EmploymentType.WORK_EXPERIENCE
    assert parse_employment_type("Work experience") == EmploymentType.WORK_EXPERIENCE
    assert parse_employment_type("THIRD PARTY WITH ACCESS") == EmploymentType.THIRD_PARTY
    assert parse_employment_type("third-party") == EmploymentType.THIRD_PARTY
    assert parse_employment_type("Temporary staff") == EmploymentType.TEMPORARY
    assert parse_employment_type("") is None
    with pytest.raises(ValueError, match="'Astronaut' is not an employment type"):
        parse_employment_type("Astronaut")
