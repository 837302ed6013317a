"""The register of chat groups and its CSV export, for the DPO and deputy."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import Hold
from groups.tests.factories import ChatGroupFactory, ExternalMemberFactory
from portal.models import AuditEvent
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECOND_STEP = 1  # the DPO's authenticator, read on each request
URL = reverse("groups:register")


def _hold(group, by):
    hold = Hold.objects.create(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-101",
        request_received_on=timezone.localdate(),
        placed_by=by,
    )
    hold.groups.add(group)
    return hold


def _rows(answer) -> list[list[str]]:
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_register_lists_every_group_with_its_purpose_admin_size_and_flags(
    client, dpo, alice, bob
):
    group = ChatGroupFactory(approved=True, admin=alice, members=[bob], name="Alpha desk")
    ExternalMemberFactory(group=group)
    group.needs_admin = True
    group.save()
    _hold(group, dpo)
    ChatGroupFactory(name="Beta draft")
    client.force_login(dpo)
    page = client.get(URL).text
    assert "Alpha desk" in page
    assert "Beta draft" in page
    assert "Alice Staff" in page
    assert '<td class="text-end">3</td>' in page  # alice, bob and the external member
    assert "On hold" in page
    assert "Needs an admin" in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "approved"}, {"Alpha desk", "Gamma signal"}),
        ({"platform": "signal"}, {"Gamma signal"}),
        ({"on_hold": "on"}, {"Alpha desk"}),
        ({"needs_admin": "on"}, {"Gamma signal"}),
        ({"q": "beta"}, {"Beta draft"}),
    ],
)
def test_the_register_filters(client, dpo, query, shown):
    alpha = ChatGroupFactory(approved=True, name="Alpha desk")
    _hold(alpha, dpo)
    ChatGroupFactory(name="Beta draft")
    ChatGroupFactory(approved=True, name="Gamma signal", platform="signal", needs_admin=True)
    # A released hold is no hold.
    released = _hold(ChatGroupFactory(name="Delta released"), dpo)
    released.released_at, released.released_by, released.release_reason = (
        timezone.now(),
        dpo,
        "Done",
    )
    released.save()
    client.force_login(dpo)
    page = client.get(URL, query).text
    names = {"Alpha desk", "Beta draft", "Gamma signal", "Delta released"}
    assert {name for name in names if name in page} == shown


def test_the_register_pages_many_groups_in_a_fixed_number_of_queries(
    client, dpo, django_assert_num_queries
):
    for n in range(3):
        ChatGroupFactory(approved=True, name=f"Group {n:03d}")
    client.force_login(dpo)
    client.get(URL)
    for n in range(3, 70):
        group = ChatGroupFactory(approved=True, name=f"Group {n:03d}", members=[UserFactory()])
        ExternalMemberFactory(group=group)
    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + 1):
        page = client.get(URL)
    assert "Group 049" in page.text
    assert "Group 050" not in page.text
    assert 'rel="next"' in page.text


def test_the_export_lists_approved_groups_and_purposes_without_names(client, dpo, alice, bob):
    ChatGroupFactory(
        approved=True, admin=alice, members=[bob], name="=Alpha", purpose="@Arranging cover"
    )
    ChatGroupFactory(name="Draft only")
    client.force_login(dpo)
    answer = client.get(reverse("groups:register_export"))
    assert "no-store" in answer["Cache-Control"]
    rows = _rows(answer)
    assert rows[0] == [
        "Group",
        "App",
        "Business purpose",
        "Who it is for",
        "Approved on",
        "Members",
    ]
    assert [row[:3] for row in rows[1:]] == [["'=Alpha", "WhatsApp", "'@Arranging cover"]]
    assert rows[1][5] == "2"
    assert "Alice Staff" not in str(rows)
    assert "Bob Manager" not in str(rows)
    event = AuditEvent.objects.get(verb=GroupEvent.REGISTER_EXPORTED)
    assert (event.actor, event.changes) == (dpo, {"include_members": False})


def test_the_export_names_members_only_when_asked(client, dpo, alice, bob):
    group = ChatGroupFactory(approved=True, admin=alice, members=[bob])
    ExternalMemberFactory(group=group)
    client.force_login(dpo)
    rows = _rows(client.get(reverse("groups:register_export"), {"include_members": "on"}))
    assert rows[0][-4:] == ["Admin", "Deputy admin", "Members of staff", "Members from outside"]
    assert rows[1][6] == "Alice Staff"
    assert rows[1][8] == "Alice Staff; Bob Manager"
    assert rows[1][9] == "Sam Partner (Northshire County Council)"
    assert AuditEvent.objects.get(verb=GroupEvent.REGISTER_EXPORTED).changes == {
        "include_members": True
    }


def test_the_export_reads_many_groups_in_as_many_queries_as_a_few(client, dpo):
    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            list(
                client.get(
                    reverse("groups:register_export"), {"include_members": "on"}
                ).streaming_content
            )
        return len(queries)

    for _n in range(3):
        ChatGroupFactory(approved=True, members=[UserFactory()])
    client.force_login(dpo)
    export_queries()
    few = export_queries()
    for _n in range(40):
        group = ChatGroupFactory(approved=True, members=[UserFactory(), UserFactory()])
        ExternalMemberFactory(group=group)
    assert export_queries() == few
