"""CSV exports: streamed in constant memory, safe to open in a spreadsheet, and on the record.

Every export of named people or of the audit trail is a copy leaving the portal, so it is an
audit event; `csv_export` writes it (through the audit service, in its transaction) before the
first row is read, which is why views call this rather than `audit_record` themselves.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Model
from django.http import StreamingHttpResponse

from portal.lib.sensitive import no_store
from portal.services.audit import audit_record

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV without a byte order mark as the local code page, so "Siân" turns to
# mojibake; with it, Excel knows the file is UTF-8. Other readers skip it.
BOM = "\ufeff"


def csv_safe(value: Any) -> str:
    """A cell as text that no spreadsheet will run: formula-like text gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() hands back the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM, then each row as one formula-safe CSV line."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def csv_export(
    *,
    rows: Iterable[Iterable[Any]],
    filename: str,
    verb: str,
    by: Any,
    obj: Model | None = None,
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> StreamingHttpResponse:
    """Record that `by` took this export, then stream `rows` (the first row is the header) as
    an attachment named `filename`. `rows` should be lazy (a generator over `.iterator()`), so
    a hundred thousand rows cost no more memory than ten."""
    audit_record(verb=verb, actor=by, obj=obj, changes=changes, ip=ip)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Exports name people or hold the audit trail: a copy left in a browser's cache or a proxy
    # is a copy nobody recorded.
    return no_store(response)
