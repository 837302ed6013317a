"""Staff import: generate an HR file of N people, then time checking it (the preview) and
applying it, and the same again for a second file in which some people changed and some left.

    python bench/bench_staff_import.py [--rows 250000]
    python -m bench.bench_staff_import --rows 20000

Like the other benchmarks it runs on a fresh database of its own (bench/_common.py), never on
the portal's real one: an import writes an audit event per person, and audit events cannot be
deleted. The file is written managers-last, so almost every line manager is a forward reference,
and the reporting lines are eight wide and about six deep, as in a large force.
"""

import argparse
import csv
import resource
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_setup, timed  # noqa: E402

DEPARTMENTS = 40
SPAN = 8  # people per line manager
TYPES = ["employee"] * 6 + ["Temporary staff", "contractor", "Volunteer", "board member"]
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
    "active",
]


def write_file(path: Path, rows: int, *, changed_every: int = 0, leaver_every: int = 0) -> None:
    """`changed_every`: every n-th person has a new job title; `leaver_every`: every n-th has
    left (never someone who manages others, so no one is left reporting to a leaver)."""
    first_manager_free = (rows - 1) // SPAN + 1
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in reversed(range(rows)):
            title = "Officer"
            if changed_every and i % changed_every == 0:
                title = "Senior officer"
            left = bool(leaver_every and i >= first_manager_free and i % leaver_every == 0)
            writer.writerow(
                [
                    f"B{i:07d}",
                    f"Person {i}",
                    f"person{i}@bench.example.org",
                    title,
                    f"D{i % DEPARTMENTS:02d}",
                    f"Department {i % DEPARTMENTS}",
                    f"B{(i - 1) // SPAN:07d}" if i else "",
                    TYPES[i % len(TYPES)],
                    (date(2010, 1, 1) + timedelta(days=i % 5000)).isoformat(),
                    "",
                    "no" if left else "yes",
                ]
            )


def run_import(path: Path, rows: int, label: str) -> None:
    from django.core.files import File

    from staffimport.models import StaffImport
    from staffimport.parsing import check_file
    from staffimport.services import staff_import_create, staff_import_request_apply

    with path.open("rb") as stream:
        with timed(f"{label}: read and check the file", rows, "rows"):
            _header, counted = check_file(stream, size=path.stat().st_size)
        assert counted == rows
        with timed(f"{label}: store it and make the preview", rows, "rows"):
            staff_import = staff_import_create(
                upload=File(stream, name=path.name),
                file_name=path.name,
                rows=rows,
                by=None,
                deactivate_missing=False,
                background=False,
            )
    assert staff_import.status == StaffImport.Status.PREVIEWED, staff_import.problems[:5]
    print(f"  preview: {staff_import.counts}")
    with timed(f"{label}: apply (checks the file again first)", rows, "rows"):
        staff_import_request_apply(
            staff_import=staff_import, by=None, sha256=staff_import.sha256, background=False
        )
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.DONE, staff_import.error
    done = {k: staff_import.counts[k] for k in ("created", "updated", "deactivated")}
    print(f"  applied: {done}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=250_000)
    args = parser.parse_args()

    bench_setup("staff_import")
    from portal.models import AuditEvent, User
    from portal.services.audit import audit_verify

    print(f"bench_staff_import: {args.rows:,} people")
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "hr-first.csv", Path(folder) / "hr-second.csv"
        with timed("write the first file", args.rows, "rows"):
            write_file(first, args.rows)
        print(f"  {first.stat().st_size / 1e6:.1f} MB")
        run_import(first, args.rows, "first import (everyone new)")
        assert User.objects.filter(staff_number__startswith="B").count() == args.rows

        write_file(second, args.rows, changed_every=10, leaver_every=100)
        run_import(second, args.rows, "second import (10% changed, 1% left)")

    events = AuditEvent.objects.count()
    with timed("audit_verify over the chain", events, "events"):
        assert audit_verify()[1] is None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
