from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from portal.roles import Role
from staffimport.models import StaffImport
from staffimport.parsing import StaffFileError, check_file
from staffimport.services import (
    ApplyRefused,
    staff_import_create,
    staff_import_request_apply,
)

Status = StaffImport.Status
# How many of each kind of change to list; --verbosity 2 lists all the preview kept.
_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import staff from HR's CSV export: add, update and deactivate people. The whole file is "
        "checked first; if any row has a problem nothing is changed. Columns and rules are on the "
        "portal's Staff import page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, UTF-8, with a header row")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and show what would change, but change nothing",
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate active people with a staff number who are not in the file",
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="the policy administrator doing this, named in the audit trail",
        )

    def handle(self, *args, **options):
        by = self._person(options["by"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        with path.open("rb") as stream:
            try:
                _header, rows = check_file(stream, size=path.stat().st_size)
            except StaffFileError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            # Checked here, in this process, whatever the size: there is nobody waiting on a page.
            staff_import = staff_import_create(
                upload=File(stream, name=path.name),
                file_name=path.name,
                rows=rows,
                by=by,
                deactivate_missing=options["deactivate_missing"],
                source=StaffImport.Source.COMMAND,
                background=False,
            )
        self.stdout.write(f"Staff import {staff_import.pk}: {path.name}, {rows:,} rows.")
        if staff_import.status != Status.PREVIEWED:
            self._problems(staff_import)
        self._preview(staff_import, options["verbosity"])
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        try:
            staff_import_request_apply(
                staff_import=staff_import, by=by, sha256=staff_import.sha256, background=False
            )
        except ApplyRefused as exc:
            raise CommandError(str(exc)) from None
        staff_import.refresh_from_db()
        if staff_import.status == Status.PREVIEWED:  # the portal changed between check and apply
            raise CommandError(f"{staff_import.preview.get('notice', '')} Run the command again.")
        if staff_import.status == Status.INVALID:
            self._problems(staff_import)
        if staff_import.status != Status.DONE:
            raise CommandError(staff_import.error or "The import did not finish.")
        counts = staff_import.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {counts['created']:,} added, {counts['updated']:,} updated, "
                f"{counts['deactivated']:,} deactivated, {counts['departments_created']:,} "
                "department(s) added."
            )
        )
        if counts.get("held"):
            self.stdout.write(
                self.style.WARNING(
                    f"{counts['held']:,} change(s) to people who hold a role were not made: they "
                    "wait for a system administrator's approval on the portal's "
                    "'Staff changes to approve' page."
                )
            )

    def _person(self, email: str | None) -> User | None:
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise CommandError(f"Nobody active in the portal has the email address {email}.")
        if not person.has_role(Role.POLICY_ADMIN):
            raise CommandError(f"{person} is not a policy administrator.")
        return person

    def _problems(self, staff_import: StaffImport) -> None:
        for problem in staff_import.problems:
            self.stderr.write(_where(problem))
        hidden = staff_import.problem_count - len(staff_import.problems)
        if hidden:
            self.stderr.write(f"... and {hidden:,} more.")
        if staff_import.status == Status.FAILED:
            raise CommandError(staff_import.error)
        raise CommandError(
            f"{staff_import.problem_count:,} problem(s) found: nothing was changed. "
            "Put them right in the file and run the command again."
        )

    def _preview(self, staff_import: StaffImport, verbosity: int) -> None:
        counts, preview = staff_import.counts, staff_import.preview
        self.stdout.write(
            f"Would add {counts['creates']:,}, update {counts['updates']:,}, deactivate "
            f"{counts['deactivations']:,} ({counts['missing']:,} missing from the file), add "
            f"{counts['departments']:,} department(s); {counts['unchanged']:,} already up to date, "
            f"{counts['skipped']:,} left as they are."
        )
        if verbosity < 1:
            return
        limit = None if verbosity > 1 else _SHOWN
        sections = [
            ("Worth checking", preview["warnings"], _where),
            ("New departments", preview["departments"], lambda d: f"{d['code']}: {d['name']}"),
            ("Add", preview["creates"], lambda p: f"{p['staff_number']} {p['full_name']}"),
            (
                "Update",
                preview["updates"],
                lambda p: (
                    f"{p['staff_number']} {p['full_name']}: "
                    + "; ".join(f"{label} {old} -> {new}" for label, old, new in p["changes"])
                ),
            ),
            (
                "Deactivate",
                preview["deactivations"],
                lambda p: f"{p['staff_number']} {p['full_name']}: {p['reason']}",
            ),
            (
                "Needs a system administrator's approval",
                preview.get("held", []),
                lambda p: f"{p['staff_number']} {p['full_name']}: {p['change']}",
            ),
            ("Left as they are", preview["skipped"], lambda p: f"line {p['line']}: {p['reason']}"),
        ]
        for title, items, describe in sections:
            if not items:
                continue
            self.stdout.write(f"{title}:")
            for item in items[:limit]:
                self.stdout.write(f"  {describe(item)}")
            if limit is not None and len(items) > limit:
                self.stdout.write("  ... and more (use --verbosity 2 to list them)")


def _where(problem: dict) -> str:
    """A problem or note as "Line 14, email: ..." (no line for the file as a whole)."""
    if not problem["line"]:
        return problem["message"]
    column = f", {problem['column']}" if problem["column"] else ""
    return f"Line {problem['line']}{column}: {problem['message']}"
