"""What HR's file puts in front of people: no name or job title a spreadsheet would run as a
formula or that hides control characters; problems read top down; the preview names
departments and line managers as people know them."""

import pytest

from portal.tests.factories import DepartmentFactory, UserFactory
from staffimport.models import StaffImport
from staffimport.tests.support import csv_bytes, person, preview

pytestmark = pytest.mark.django_db
Status = StaffImport.Status


def problems(staff_import: StaffImport) -> list[tuple[int, str]]:
    return [(p["line"], p["column"]) for p in staff_import.problems]


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","Click")', "+44 7700 900000", "@SUM(A1)", "\tJane", " =1+1"],
    ids=["equals", "plus", "at", "tab", "space then equals"],
)
@pytest.mark.parametrize("column", ["full_name", "job_title"])
def test_a_name_or_job_title_a_spreadsheet_would_run_is_refused_by_line_and_column(
    policy_admin, column, value
):
    row = person("S1", "Ann Ordinary", "ann@example.org", job_title="Clerk")
    row[column] = value
    data = csv_bytes([person("S0", "Zed First", "zed@example.org"), row])
    staff_import = preview(data, by=policy_admin)
    assert staff_import.status == Status.INVALID
    assert problems(staff_import) == [(3, column)]
    assert "would run as a formula" in staff_import.problems[0]["message"]


@pytest.mark.parametrize("value", ["Ann\nOther", "Ann\rOther", "Ann\x07Bell", "Ann\x1bOther"])
def test_a_name_with_a_control_character_is_refused(policy_admin, value):
    staff_import = preview(csv_bytes([person("S1", value, "ann@example.org")]), by=policy_admin)
    assert problems(staff_import) == [(2, "full_name")]
    assert "control character" in staff_import.problems[0]["message"]


def test_ordinary_names_with_punctuation_are_taken(policy_admin):
    data = csv_bytes(
        [
            person("S1", "Anne-Marie O'Brien", "am@example.org", job_title="Head of HR & L&D"),
            person("S2", "Zoë Ünal-Smith", "zu@example.org", job_title="Officer (=grade 5)"),
        ]
    )
    assert preview(data, by=policy_admin).status == Status.PREVIEWED


def test_problems_are_listed_in_line_order_whichever_check_found_them(policy_admin):
    UserFactory(staff_number="S9", email="taken@example.org")
    data = csv_bytes(
        [
            # Line 2: found when the portal is compared (last of all).
            person("S1", "Ann", "taken@example.org"),
            # Line 3: found when line managers are checked.
            person("S2", "Bea", "bea@example.org", line_manager_staff_number="S404"),
            # Line 4: found when the row is read (first of all).
            person("S3", "=Cy", "cy@example.org"),
            # Line 5: a new department without a name, found after reading the whole file.
            person("S4", "Di", "di@example.org", department_code="NEWD"),
        ]
    )
    staff_import = preview(data, by=policy_admin)
    # Before, they came in the order the checks ran: 4, 5, 3, 2.
    assert [line for line, _column in problems(staff_import)] == [2, 3, 4, 5]


def test_the_preview_names_departments_and_line_managers(policy_admin):
    DepartmentFactory(code="FIN", name="Finance")
    UserFactory(staff_number="S50", full_name="Portia Portal")
    old_boss = UserFactory(staff_number="S51", full_name="Oscar Old")
    UserFactory(
        staff_number="S60",
        full_name="Una Update",
        email="una@example.org",
        department=DepartmentFactory(code="OPS", name="Operations"),
        line_manager=old_boss,
    )
    data = csv_bytes(
        [
            # A manager named before the file adds them, further down.
            person(
                "S1",
                "Nia New",
                "nia@example.org",
                department_code="NEW",
                department_name="New team",
                line_manager_staff_number="S2",
            ),
            person(
                "S60",
                "Una Update",
                "una@example.org",
                job_title="Officer",
                department_code="FIN",
                line_manager_staff_number="S50",
            ),
            person("S2", "Max Manager", "max@example.org", department_code="fin"),
        ]
    )
    staff_import = preview(data, by=policy_admin)
    assert staff_import.status == Status.PREVIEWED, staff_import.problems
    creates = {c["staff_number"]: c for c in staff_import.preview["creates"]}
    assert (creates["S1"]["department"], creates["S1"]["line_manager"]) == (
        "New team",
        "Max Manager",
    )
    assert (creates["S2"]["department"], creates["S2"]["line_manager"]) == ("Finance", "")
    [update] = staff_import.preview["updates"]
    assert update["changes"] == [
        ["Department", "Operations", "Finance"],
        ["Line manager", "Oscar Old", "Portia Portal"],
    ]
    assert "_fields" not in update
