"""Helpers for the staff import tests: HR files written as lists of rows, and the import run
the way the upload page runs it. (No tests here.)"""

import csv
import io

from django.core.files.base import ContentFile

from portal.models import AuditEvent
from staffimport.models import StaffImport
from staffimport.parsing import check_file
from staffimport.services import staff_import_create, staff_import_request_apply

HEADER = [
    "staff_number",
    "full_name",
    "email",
    "job_title",
    "department_code",
    "department_name",
    "line_manager_staff_number",
    "employment_type",
    "start_date",
    "leave_date",
    "politically_restricted",
    "active",
]


def person(number: str, name: str, email: str, **values: str) -> dict[str, str]:
    return {"staff_number": number, "full_name": name, "email": email, **values}


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    data = out.getvalue().encode()
    return b"\xef\xbb\xbf" + data if bom else data


def upload(data: bytes, name: str = "hr-export.csv") -> ContentFile:
    return ContentFile(data, name=name)


def preview(data: bytes, *, by, deactivate_missing: bool = False, **kwargs) -> StaffImport:
    """Upload a file and check it, as the upload page does; returns the import record."""
    file = upload(data)
    _header, rows = check_file(file, size=file.size)
    return staff_import_create(
        upload=file,
        file_name=file.name,
        rows=rows,
        by=by,
        deactivate_missing=deactivate_missing,
        **kwargs,
    )


def apply(staff_import: StaffImport, *, by, **kwargs) -> StaffImport:
    staff_import_request_apply(
        staff_import=staff_import, by=by, sha256=staff_import.sha256, ip="10.1.2.3", **kwargs
    )
    staff_import.refresh_from_db()
    return staff_import


def verbs() -> list[str]:
    """The audit trail's events, oldest first, leaving out the upload and the press of "Apply"
    (tested on their own), so that what a file changed reads plainly."""
    return list(
        AuditEvent.objects.exclude(
            verb__in=["staff_import.uploaded", "staff_import.apply_requested"]
        )
        .order_by("id")
        .values_list("verb", flat=True)
    )
