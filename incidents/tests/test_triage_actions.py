"""Containment and recovery actions: due at the end of the day (UK time), the owner emailed
with the reference and the action only, recorded done by the owner or a DPO, and each
person's own list."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import ContainmentAction, TimelineEntry
from incidents.outbox import action_assigned_key
from incidents.services.actions import action_add, action_done
from incidents.tests.factories import ContainmentActionFactory, IncidentFactory
from portal.models import AuditEvent, Notification
from portal.testing.queries import LAYOUT_QUERIES

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def incident(alice):
    return IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        description="SECRET-DETAILS of the victims' addresses",
    )


@pytest.mark.parametrize("day", [date(2027, 1, 15), date(2027, 7, 15)])
def test_an_action_is_due_at_the_end_of_its_day_uk_time(incident, bob, dpo, day):
    action = action_add(
        incident=incident, description="Recall the email", owner=bob, due_on=day, by=dpo
    )
    assert action.due_at.astimezone(LONDON) == datetime(
        day.year, day.month, day.day, 23, 59, tzinfo=LONDON
    )


def test_the_owner_is_emailed_the_reference_and_the_action_only(incident, bob, dpo):
    action = action_add(
        incident=incident,
        description="Recall the email",
        owner=bob,
        due_on=timezone.localdate(),
        by=dpo,
    )
    email = Notification.objects.get(dedup_key__contains=action_assigned_key(action.pk))
    assert email.recipient == bob
    assert incident.reference in email.subject
    assert "Recall the email" in email.body_text
    assert "SECRET-DETAILS" not in email.body_text + email.body_html
    assert email.url == reverse("incidents:my_actions")
    entry = TimelineEntry.objects.get(incident=incident, kind=TimelineEntry.Kind.ACTION)
    assert entry.internal
    assert AuditEvent.objects.filter(verb=IncidentEvent.ACTION_ADDED).count() == 1


def test_an_action_cannot_be_due_in_the_past(incident, bob, dpo):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        action_add(
            incident=incident,
            description="Too late",
            owner=bob,
            due_on=timezone.localdate() - timedelta(days=1),
            by=dpo,
        )


def test_the_add_page_names_the_owner_by_email_and_keeps_input_on_error(client, incident, bob, dpo):
    client.force_login(dpo)
    url = reverse("incidents:action_add", args=[incident.pk])
    response = client.post(
        url, {"description": "Recall it", "owner": "nobody@example.org", "due_on": "2030-01-01"}
    )
    assert response.status_code == 400
    assert "Recall it" in response.content.decode()
    response = client.post(
        url, {"description": "Recall it", "owner": bob.email, "due_on": "2030-01-01"}
    )
    assert response.status_code == 302
    assert ContainmentAction.objects.get(incident=incident).owner == bob


def test_the_owner_records_it_done_once(client, incident, bob, dpo):
    action = ContainmentActionFactory(incident=incident, owner=bob, created_by=dpo)
    client.force_login(bob)
    url = reverse("incidents:action_done", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "SECRET-DETAILS" not in page.content.decode()
    assert client.post(url, {"outcome": ""}).status_code == 400
    response = client.post(url, {"outcome": "Recalled; the recipient confirmed deletion."})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:my_actions")
    action.refresh_from_db()
    assert action.done_by == bob
    with pytest.raises(ValidationError, match="already recorded as done"):
        action_done(action=action, outcome="Again", by=bob)


def test_a_dpo_may_record_it_done_but_others_get_404(
    client, incident, bob, charlie, helpdesk, dpo, deputy_dpo
):
    action = ContainmentActionFactory(incident=incident, owner=bob, created_by=dpo)
    url = reverse("incidents:action_done", args=[action.pk])
    for person in (charlie, helpdesk, incident.reported_by):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.post(url, {"outcome": "x"}).status_code == 404, person
    client.force_login(deputy_dpo)
    assert client.post(url, {"outcome": "Done by phone."}).status_code == 302
    assert ContainmentAction.objects.get(pk=action.pk).done_by == deputy_dpo


def test_the_helpdesk_cannot_record_an_action_on_a_lost_phone_it_handles(
    client, alice, helpdesk, dpo
):
    phone = IncidentFactory(reported_by=alice, kind=Kind.LOST_DEVICE)
    action = ContainmentActionFactory(incident=phone, owner=dpo, created_by=dpo)
    client.force_login(helpdesk)
    assert client.get(reverse("incidents:action_done", args=[action.pk])).status_code == 404


def test_my_actions_lists_only_my_open_actions_and_no_incident_details(
    client, incident, alice, bob, dpo
):
    mine = ContainmentActionFactory(incident=incident, owner=bob, description="Recall it")
    ContainmentActionFactory(
        incident=incident,
        owner=bob,
        description="DONE-ONE",
        done_at=timezone.now(),
        done_by=dpo,
        outcome="Done",
    )
    ContainmentActionFactory(incident=incident, owner=alice, description="ALICES-ACTION")
    client.force_login(bob)
    text = client.get(reverse("incidents:my_actions")).content.decode()
    assert mine.description in text
    assert incident.reference in text
    assert "DONE-ONE" not in text
    assert "ALICES-ACTION" not in text
    assert "SECRET-DETAILS" not in text


def test_my_actions_says_when_nothing_is_waiting(client, charlie):
    client.force_login(charlie)
    assert (
        "Nothing is waiting for you."
        in client.get(reverse("incidents:my_actions")).content.decode()
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_actions_costs_the_same_with_many_actions(client, incident, bob, dpo):
    client.force_login(bob)
    url = reverse("incidents:my_actions")
    ContainmentActionFactory(incident=incident, owner=bob, created_by=dpo)
    client.get(url)  # the organisation settings into the cache
    few = _queries(client, url)
    for number in range(30):
        other = IncidentFactory(kind=Kind.DATA_BREACH)
        ContainmentActionFactory(incident=other, owner=bob, description=f"Action {number}")
    many = _queries(client, url)
    assert many == few
    assert few <= LAYOUT_QUERIES + 3  # the count (paginator) and the page of actions
