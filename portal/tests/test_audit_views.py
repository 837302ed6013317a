import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent
from portal.services.audit import audit_record

pytestmark = pytest.mark.django_db

# UK wall-clock times (GMT or BST by the date), as the portal's users read them.
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def events(alice, bob):
    audit_record(verb="user.imported", actor=bob, obj=alice, changes={"job_title": "Officer"})
    audit_record(verb="declaration.signed", actor=alice, obj=alice, ip="10.0.0.7")
    audit_record(
        verb="incident.reported",
        actor=alice,
        object_type="incidents.incident",
        object_id="42",
        object_repr='=HYPERLINK("http://evil.example")',
        changes={"note": "@SUM(1+1)"},
    )


def _export(client, **filters):
    response = client.get(reverse("portal:audit_export"), filters)
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content)
    # UTF-8 with a byte order mark, so Excel opens it cleanly.
    assert content.startswith(b"\xef\xbb\xbfEvent number,")
    text = content.decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text)))


def test_the_dpo_reads_every_event_newest_first(client, dpo, events):
    client.force_login(dpo)
    response = client.get(reverse("portal:audit"))
    assert response.status_code == 200
    text = response.text[response.text.index("<tbody") :]
    assert text.index("Incident reported") < text.index("Declaration signed")
    assert text.index("Declaration signed") < text.index("Person added by the staff import")
    assert "Bob Manager &lt;bob@example.org&gt;" in text
    assert "10.0.0.7" in text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"event": "declaration.signed"}, {"declaration.signed"}),
        ({"person": "bob@"}, {"user.imported"}),
        ({"object_type": "incidents.incident"}, {"incident.reported"}),
        ({"object_id": "42"}, {"incident.reported"}),
    ],
)
def test_the_filters_narrow_the_events(client, dpo, events, filters, expected):
    client.force_login(dpo)
    page = client.get(reverse("portal:audit"), filters).context["page"]
    assert {e.verb for e in page.object_list} == expected


def _move_event(event, at):
    """Set an event's time, stepping round the append-only trigger as only a test may."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE portal_auditevent SET at = %s WHERE id = %s", [at, event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_the_date_filters_are_whole_days_in_uk_time(client, dpo, alice):
    # 23:30 in London on 30 June is 22:30 UTC: it belongs to the 30th, not the 1st.
    _move_event(
        audit_record(verb="late.event", actor=alice),
        datetime(2026, 6, 30, 23, 30, tzinfo=LONDON),
    )
    client.force_login(dpo)
    on_the_30th = client.get(
        reverse("portal:audit"), {"date_from": "2026-06-30", "date_to": "2026-06-30"}
    )
    assert [e.verb for e in on_the_30th.context["page"].object_list] == ["late.event"]
    on_the_1st = client.get(reverse("portal:audit"), {"date_from": "2026-07-01"})
    assert "late.event" not in {e.verb for e in on_the_1st.context["page"].object_list}


def test_a_from_date_after_the_to_date_is_explained_and_shows_nothing(client, dpo, events):
    client.force_login(dpo)
    response = client.get(
        reverse("portal:audit"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "must be on or after" in response.text
    assert 'value="2026-05-02"' in response.text
    assert list(response.context["page"].object_list) == []


def _count_queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:audit"), query)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"person": "alice", "event": "user.signed_in", "text": "Alice", "date_from": "2020-01-01"},
    ],
)
def test_the_list_runs_the_same_number_of_queries_for_one_event_as_for_a_full_page(
    client, sysadmin, alice, query, django_assert_num_queries
):
    # One who may open people's pages, so each row's link is worked out (and the access test
    # behind it run once, not once a row).
    client.force_login(sysadmin)
    client.get(reverse("portal:dashboard"))
    audit_record(verb="user.signed_in", actor=alice, obj=alice, changes={"n": 0})
    one = _count_queries(client, query)
    for n in range(120):
        audit_record(verb="user.signed_in", actor=alice, obj=alice, changes={"n": n, "who": "x"})
    with django_assert_num_queries(one):
        response = client.get(reverse("portal:audit"), query)
    assert len(response.context["page"].object_list) == 50
    assert response.text.count(reverse("portal:person", args=[alice.pk])) >= 50
    with django_assert_num_queries(one):
        client.get(reverse("portal:audit"), {**query, "page": 2})


def test_the_list_links_pages_keeping_the_filters(client, dpo, alice):
    for n in range(60):
        audit_record(verb="bulk.event", actor=alice, changes={"n": n})
    client.force_login(dpo)
    response = client.get(reverse("portal:audit"), {"text": "bulk"})
    assert "?text=bulk&amp;page=2" in response.text
    assert f"{reverse('portal:audit_export')}?text=bulk" in response.text


def test_the_export_streams_the_filtered_events_oldest_first_and_is_itself_recorded(
    client, dpo, events
):
    client.force_login(dpo)
    response, rows = _export(client, person="alice")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    header, *body = rows
    assert header[:4] == ["Event number", "When (UK time)", "Who", "Event"]
    # What Alice did, and what was done to her account (Bob imported her).
    assert [row[3] for row in body] == ["user.imported", "declaration.signed", "incident.reported"]
    exported = AuditEvent.objects.get(verb="audit.exported")
    assert exported.actor == dpo
    assert exported.changes == {"filters": {"person": "alice"}}


def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, dpo, events):
    client.force_login(dpo)
    _, rows = _export(client, object_id="42")
    (row,) = rows[1:]
    assert row[7] == '\'=HYPERLINK("http://evil.example")'
    assert row[8] == '{"note": "@SUM(1+1)"}'  # starts with "{": harmless as it is
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@"))


def test_the_export_carries_the_hashes_so_the_chain_can_be_checked_outside(client, dpo, events):
    client.force_login(dpo)
    _, rows = _export(client)
    body = rows[1:]
    for previous, current in zip(body, body[1:], strict=False):
        assert current[11] == previous[10]


def test_an_invalid_export_filter_shows_the_form_again_and_exports_nothing(client, dpo, events):
    client.force_login(dpo)
    response = client.get(
        reverse("portal:audit_export"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert not response.streaming
    assert "must be on or after" in response.text
    assert not AuditEvent.objects.filter(verb="audit.exported").exists()


def test_event_times_are_shown_in_uk_time_in_the_page_and_the_export(client, dpo, alice):
    # 09:15 UTC on 1 July is 10:15 in London (British Summer Time).
    _move_event(
        audit_record(verb="summer.event", actor=alice),
        datetime(2026, 7, 1, 9, 15, tzinfo=UTC),
    )
    client.force_login(dpo)
    assert "1 Jul 2026, 10:15" in client.get(reverse("portal:audit")).text
    _, rows = _export(client, text="summer")
    assert rows[1][1] == "2026-07-01 10:15:00 BST"
