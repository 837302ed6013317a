import pytest
from django.template.loader import render_to_string

from portal.lib.audit_history import audit_history
from portal.services.audit import audit_record

pytestmark = pytest.mark.django_db


def test_an_objects_history_is_its_own_events_oldest_first(alice, bob):
    first = audit_record(verb="user.changed", actor=bob, obj=alice, changes={"a": 1})
    audit_record(verb="user.changed", actor=alice, obj=bob)
    audit_record(verb="system.checked")
    # Recorded by type and id only (as a hold on a deleted row would be), it is still hers.
    last = audit_record(verb="user.noted", object_type="portal.user", object_id=str(alice.pk))
    assert list(audit_history(alice)) == [first, last]


def test_the_history_partial_lists_events_or_says_there_are_none(alice, bob):
    audit_record(verb="user.changed", actor=bob, obj=alice, changes={"title": "Analyst"})
    html = render_to_string(
        "portal/_audit_history.html",
        {"history": audit_history(alice), "caption": "Changes to Alice", "empty": "Nothing yet."},
    )
    assert "Changes to Alice" in html
    assert "Bob Manager" in html
    assert "Analyst" in html
    none = render_to_string("portal/_audit_history.html", {"history": [], "empty": "Nothing yet."})
    assert "<table" not in none
    assert "Nothing yet." in none
