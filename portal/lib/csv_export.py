"""CSV exports: streamed in constant memory, safe to open in a spreadsheet, and on the record.

Every export of named people or of the audit trail is a copy leaving the portal, so it is an
audit event; `csv_export` writes it (through the audit service, in its transaction) before the
first row is read, which is why views call this rather than `audit_record` themselves.
"""

import csv
import io
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
# Lines go out in pieces of about this many characters: one piece per line costs a trip through
# the response's encoding and a socket write each (a quarter of a million for a national
# campaign), while a piece this size still leaves the process many times a second.
CHUNK_CHARS = 64 * 1024


def csv_safe(value: Any) -> str:
    """A cell as text that no spreadsheet will run: formula-like text gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _safe_cells(row: Iterable[Any]) -> list[str]:
    # csv_safe for a whole row, with plain text that needs nothing checked inline: most cells
    # are such text, and a call for each of them was the largest single cost of a big export.
    return [
        cell if type(cell) is str and not cell.startswith(FORMULA_STARTS) else csv_safe(cell)
        for cell in row
    ]


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM, then the rows as formula-safe CSV lines, in pieces of about CHUNK_CHARS. The
    first row (the header) goes out alone, so a download starts before a slow query behind
    the other rows has returned anything."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    rows = iter(rows)
    buffer.write(BOM)
    header = next(rows, None)
    if header is not None:
        writer.writerow(_safe_cells(header))
    yield taken()
    for row in rows:
        writer.writerow(_safe_cells(row))
        if buffer.tell() >= CHUNK_CHARS:
            yield taken()
    if buffer.tell():
        yield taken()


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
