"""The one way the portal writes a CSV: streamed, formula-safe, Excel-friendly, on the record."""

import csv
import io
import re

import pytest
from django.conf import settings

from portal.lib.csv_export import CHUNK_CHARS, csv_export, csv_safe
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _export(by, rows, **kwargs):
    return csv_export(rows=rows, filename="people.csv", verb="test.exported", by=by, **kwargs)


def test_an_export_is_utf8_with_a_byte_order_mark_so_excel_opens_it_cleanly(alice):
    response = _export(alice, iter([["Name"], ["Siân Ó Briain"]]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbfName\r\n")
    assert content.decode("utf-8-sig") == "Name\r\nSiân Ó Briain\r\n"


def test_every_cell_a_spreadsheet_would_run_is_neutralised(alice):
    sly = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain", None, 3, "a=b"]
    response = _export(alice, [["header"], sly])
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    (_, row) = list(csv.reader(io.StringIO(content)))
    assert row == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "plain", "", "3", "a=b"]
    assert csv_safe(None) == ""


def test_the_export_is_recorded_before_a_single_row_is_read(alice):
    def rows():
        # The event is there even if the download is abandoned before the first row.
        assert AuditEvent.objects.filter(verb="test.exported").exists()
        yield ["header"]

    response = _export(alice, rows(), changes={"format": "csv"}, ip="10.0.0.1")
    event = AuditEvent.objects.get(verb="test.exported")
    assert (event.actor, event.changes, event.ip_address) == (alice, {"format": "csv"}, "10.0.0.1")
    assert b"".join(response.streaming_content).endswith(b"header\r\n")


def test_an_export_sends_its_header_at_once_then_the_rows_in_pieces_as_they_are_read(alice):
    read = []

    def rows():
        yield ["Name", "Email"]
        for i in range(5000):
            read.append(i)
            yield [f"Person {i}", f"person{i}@example.org"]

    chunks = iter(_export(alice, rows()).streaming_content)
    # The download starts before the first row is asked for (behind it may be a slow query).
    assert next(chunks) == b"\xef\xbb\xbfName,Email\r\n"
    assert read == []
    second = next(chunks)
    # A piece of the file, not all of it held in memory first, nor a line at a time.
    assert 1 < len(read) < 5000
    assert CHUNK_CHARS <= len(second) < CHUNK_CHARS + 100
    rest = b"".join(chunks)
    assert len(read) == 5000
    lines = (second + rest).decode().split("\r\n")
    assert lines[0] == "Person 0,person0@example.org"
    assert lines[4999] == "Person 4999,person4999@example.org"
    assert lines[5000] == ""


# Where the portal and its apps live; their tests may write CSV however they like.
_SOURCES = ("portal", "declarations", "staffimport", "groups", "incidents", "socialmedia")
_WRITES_CSV = re.compile(r"csv\.(writer|DictWriter)\(")
_SENDS_CSV = re.compile(r"content_type=[\"']text/csv")


def test_every_csv_the_portal_sends_is_written_here_so_every_export_is_formula_safe():
    # A view that wrote its own CSV would skip csv_safe (and the audit event); a new export
    # must come through csv_export, or csv_lines for a file with no one's data in it.
    sources = {
        str(path.relative_to(settings.BASE_DIR)): path.read_text()
        for package in _SOURCES
        for path in (settings.BASE_DIR / package).rglob("*.py")
        if "tests" not in path.parts
    }
    writers = [name for name, text in sources.items() if _WRITES_CSV.search(text)]
    assert writers == ["portal/lib/csv_export.py"]
    senders = [name for name, text in sources.items() if _SENDS_CSV.search(text)]
    assert "staffimport/views.py" in senders  # the HR file template
    for name in senders:
        assert re.search(r"\bcsv_(export|lines)\(", sources[name]), name
