"""The audit trail reads in people's words: what happened, to which record, found by a person's
name, a kind of event, or words in it."""

import csv
import io

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Notification
from portal.services.audit import audit_record

pytestmark = pytest.mark.django_db


def _table(response) -> str:
    """The events table only: the filter's list of events names every event too."""
    text = response.text
    return text[text.index("<tbody") : text.index("</tbody>")]


def _verbs(client, **filters) -> list[str]:
    response = client.get(reverse("portal:audit"), filters)
    assert response.status_code == 200
    return [row.event.verb for row in response.context["rows"]]


def test_each_event_says_what_happened_and_names_the_record_as_people_know_it(client, dpo, alice):
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    client.force_login(dpo)
    table = _table(client.get(reverse("portal:audit")))
    assert "Signed in" in table
    assert "Person: Alice Staff" in table
    assert "user.signed_in" not in table
    assert "portal.user" not in table


def test_a_record_links_to_its_page_only_for_someone_that_page_would_let_in(
    client, dpo, sysadmin, alice
):
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    change_page = reverse("portal:person", args=[alice.pk])
    client.force_login(dpo)  # may read the trail, may not manage people
    assert change_page not in _table(client.get(reverse("portal:audit")))

    client.force_login(sysadmin)
    table = _table(client.get(reverse("portal:audit")))
    assert f'<a href="{change_page}">Person: Alice Staff</a>' in table
    assert client.get(change_page).status_code == 200


def test_a_record_of_a_kind_no_app_describes_is_named_by_what_the_model_is_called(
    client, dpo, alice
):
    note = Notification.objects.create(
        dedup_key="t:1", recipient=alice, to_email=alice.email, subject="Welcome", body_text="."
    )
    audit_record(verb="user.signed_in", actor=alice, obj=note)
    audit_record(verb="user.signed_in", object_type="elsewhere.thing", object_repr="Thing 7")
    client.force_login(dpo)
    table = _table(client.get(reverse("portal:audit")))
    assert "Notification: Welcome" in table
    assert "elsewhere.thing: Thing 7" in table


def test_the_person_filter_finds_what_they_did_and_what_was_done_to_their_account(
    client, dpo, alice, bob, charlie
):
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    audit_record(verb="user.imported", actor=bob, obj=alice)
    audit_record(verb="user.signed_in", actor=charlie, obj=charlie)
    client.force_login(dpo)
    expected = ["user.imported", "user.signed_in"]
    assert _verbs(client, person="alice staff") == expected  # full name, any case
    assert _verbs(client, person="ALICE@example.org") == expected  # email, any case
    assert _verbs(client, person="Bob Manager") == ["user.imported"]


def test_the_person_filter_finds_events_under_the_name_a_person_had_at_the_time(client, dpo, alice):
    audit_record(verb="user.signed_in", actor=alice)
    alice.full_name = "Alice Married-Name"
    alice.save()
    client.force_login(dpo)
    assert _verbs(client, person="Alice Staff") == ["user.signed_in"]
    assert _verbs(client, person="Married-Name") == ["user.signed_in"]


def test_the_kinds_of_event_to_choose_from_are_every_events_label_in_alphabetical_order(
    client, dpo
):
    client.force_login(dpo)
    field = client.get(reverse("portal:audit")).context["form"]["event"]
    choices = list(field.field.choices)
    assert choices[0] == ("", "Any event")
    labels = [label for _, label in choices[1:]]
    assert labels == sorted(labels, key=str.casefold)
    assert ("user.signed_in", "Signed in") in choices
    assert ("user.sign_in_failed", "Sign-in refused: wrong email or password") in choices


def test_choosing_a_kind_of_event_shows_only_those_events(client, dpo, alice):
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    audit_record(verb="user.signed_out", actor=alice, obj=alice)
    client.force_login(dpo)
    assert _verbs(client, event="user.signed_out") == ["user.signed_out"]
    response = client.get(reverse("portal:audit"), {"event": "user.made_up"})
    assert "Select a valid choice" in response.text
    assert list(response.context["rows"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("annual review", ["user.imported"]),  # the record's name
        ("added by THE STAFF import", ["user.imported"]),  # the words the event is shown with
        ("user.signed_out", ["user.signed_out"]),  # its stored name
        ("Inspector", ["user.imported"]),  # a value in its details
        ("job_title", ["user.imported"]),  # a name in its details
    ],
)
def test_free_text_matches_the_record_the_events_words_and_its_details(
    client, dpo, alice, text, expected
):
    client.force_login(dpo)  # signing in is an event too: before the ones searched for
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    audit_record(verb="user.signed_out", actor=alice, obj=alice)
    audit_record(
        verb="user.imported",
        actor=alice,
        object_type="portal.staffimport",
        object_id="3",
        object_repr="HR file for annual review",
        changes={"job_title": {"from": "Officer", "to": "Inspector"}},
    )
    assert _verbs(client, text=text) == expected


def test_a_long_list_of_details_opens_on_request_and_a_short_one_is_shown(client, dpo, alice):
    audit_record(verb="user.created", actor=alice, obj=alice, changes={"job_title": "Officer"})
    audit_record(verb="user.imported", actor=alice, obj=alice, changes={f"f{n}": n for n in "1234"})
    client.force_login(dpo)
    table = _table(client.get(reverse("portal:audit")))
    assert table.count("<details>") == 1
    assert "<summary>4 details</summary>" in table
    assert "<strong>job_title</strong>: Officer" in table


def test_a_failed_sign_in_to_a_real_account_is_found_by_filtering_on_that_person(
    client, dpo, alice
):
    client.post(reverse("login"), {"username": " ALICE@Example.org ", "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody@example.org", "password": "wrong"})
    event, unknown = AuditEvent.objects.filter(verb="user.sign_in_failed").order_by("id")
    assert (event.actor, event.object_type, event.object_id) == (None, "portal.user", str(alice.pk))
    assert "wrong" not in str(event.changes) + event.object_repr
    # An attempt on an address with no account stays attached to nobody, as before.
    assert (unknown.object_id, unknown.object_repr) == ("", "")

    client.force_login(dpo)
    response = client.get(reverse("portal:audit"), {"person": "Alice Staff"})
    assert [row.event for row in response.context["rows"]] == [event]
    assert "Sign-in refused: wrong email or password" in _table(response)


def test_the_export_says_what_happened_next_to_each_event_name(client, dpo, alice):
    audit_record(verb="user.signed_in", actor=alice, obj=alice)
    client.force_login(dpo)
    response = client.get(reverse("portal:audit_export"), {"event": "user.signed_in"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][3:5] == ["Event", "What happened"]
    assert rows[1][3:5] == ["user.signed_in", "Signed in"]
