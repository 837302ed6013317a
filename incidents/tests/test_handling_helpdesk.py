"""The helpdesk's part: what it sees, what it records (each step with when it was done and who),
what the reporter is shown of it, and marking its part finished."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import HelpdeskAction, TimelineEntry
from incidents.services.helpdesk import helpdesk_action_record, helpdesk_part_done
from incidents.tests.factories import IncidentFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

_FORMAT = "%Y-%m-%dT%H:%M"


def _local(at) -> str:
    return timezone.localtime(at).strftime(_FORMAT)


@pytest.mark.parametrize(
    "kind",
    [
        Kind.LOST_DEVICE,
        Kind.STOLEN_DEVICE,
        Kind.DEVICE_FAULT,
        Kind.COMPROMISED_PASSWORD,
        Kind.VIRUS,
    ],
)
def test_the_helpdesk_sees_device_password_and_virus_reports(client, alice, helpdesk, kind):
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(helpdesk)
    assert client.get(reverse("incidents:incident", args=[incident.pk])).status_code == 200
    queue = client.get(reverse("incidents:queue", args=["helpdesk"])).content.decode()
    assert incident.reference in queue


@pytest.mark.parametrize("kind", [Kind.DATA_BREACH, Kind.INAPPROPRIATE_CONTENT, Kind.OTHER])
def test_the_helpdesk_never_sees_a_report_with_no_device(client, alice, helpdesk, kind):
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(helpdesk)
    assert client.get(reverse("incidents:incident", args=[incident.pk])).status_code == 404
    assert client.get(reverse("incidents:timeline_csv", args=[incident.pk])).status_code == 404
    queue = client.get(reverse("incidents:queue", args=["helpdesk"])).content.decode()
    assert incident.reference not in queue


def test_a_remote_wipe_is_recorded_with_its_time_and_who_and_the_reporter_sees_it(
    client, alice, helpdesk
):
    incident = IncidentFactory(reported_by=alice)
    done_at = (timezone.now() - timedelta(minutes=20)).replace(second=0, microsecond=0)
    client.force_login(helpdesk)
    answer = client.post(
        reverse("incidents:helpdesk_action", args=[incident.pk]),
        {"action": "wipe_requested", "done_at": _local(done_at), "note": "Via Intune."},
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("#helpdesk")

    action = incident.helpdesk_actions.get()
    assert (action.action, action.done_at, action.recorded_by) == (
        HelpdeskAction.Action.WIPE_REQUESTED,
        done_at,
        helpdesk,
    )
    step, note = incident.timeline.all()
    assert (step.kind, step.internal) == (TimelineEntry.Kind.HELPDESK_ACTION, False)
    assert step.text.startswith("Remote wipe requested (done ")
    assert (note.internal, "Via Intune." in note.text) == (True, True)
    event = AuditEvent.objects.get(verb=IncidentEvent.HELPDESK_ACTION)
    assert event.changes["action"] == "wipe_requested"

    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "Via Intune." in page

    client.force_login(alice)
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "Remote wipe requested" in page
    assert "Harry Helpdesk" in page
    assert "Via Intune." not in page
    assert "Record what the helpdesk did" not in page


def test_something_else_is_internal_and_needs_a_note(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    url = reverse("incidents:helpdesk_action", args=[incident.pk])
    when = _local(timezone.now() - timedelta(minutes=5))
    answer = client.post(url, {"action": "other", "done_at": when})
    assert answer.status_code == 200
    assert "Say what was done." in answer.content.decode()
    assert not incident.helpdesk_actions.exists()

    client.post(url, {"action": "other", "done_at": when, "note": "Checked the MDM logs."})
    entry = incident.timeline.get()
    assert entry.internal
    client.force_login(alice)
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert "MDM logs" not in page


def test_a_time_in_the_future_is_refused_with_what_to_put_right(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    answer = client.post(
        reverse("incidents:helpdesk_action", args=[incident.pk]),
        {"action": "password_reset", "done_at": _local(timezone.now() + timedelta(hours=2))},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "When it was done cannot be in the future." in page
    assert 'value="password_reset" selected' in page
    assert not incident.helpdesk_actions.exists()


def test_the_service_refuses_a_future_time_and_one_before_the_incident(alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    with pytest.raises(ValidationError, match="in the future"):
        helpdesk_action_record(
            incident=incident,
            action="wipe_confirmed",
            done_at=timezone.now() + timedelta(minutes=5),
            by=helpdesk,
        )
    with pytest.raises(ValidationError, match="before the incident happened"):
        helpdesk_action_record(
            incident=incident,
            action="wipe_confirmed",
            done_at=incident.happened_at - timedelta(days=1),
            by=helpdesk,
        )
    assert not incident.timeline.exists()


def test_marking_the_helpdesk_part_finished_moves_it_down_the_queue(client, alice, helpdesk):
    older = IncidentFactory(reported_by=alice, reported_at=timezone.now() - timedelta(days=2))
    newer = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    answer = client.post(reverse("incidents:helpdesk_done", args=[newer.pk]))
    assert answer.status_code == 302
    newer.refresh_from_db()
    assert newer.helpdesk_done_at is not None
    assert not newer.is_closed  # the DPO closes it
    entry = newer.timeline.get()
    assert (entry.kind, entry.internal) == (TimelineEntry.Kind.HELPDESK_DONE, False)

    rows = client.get(reverse("incidents:queue", args=["helpdesk"])).context["page"].object_list
    assert [row.pk for row in rows] == [older.pk, newer.pk]

    answer = client.post(reverse("incidents:helpdesk_done", args=[newer.pk]), follow=True)
    assert "already marked finished" in answer.content.decode()
    assert AuditEvent.objects.filter(verb=IncidentEvent.HELPDESK_DONE).count() == 1


def test_the_service_refuses_a_report_not_sent_to_the_helpdesk(alice, helpdesk):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    with pytest.raises(ValidationError, match="not sent to the helpdesk"):
        helpdesk_part_done(incident=incident, by=helpdesk)


def test_the_helpdesk_queue_puts_open_reports_before_closed_ones(client, alice, helpdesk):
    now = timezone.now()

    def phone(days_ago: int, *, done: bool = False, closed: bool = False):
        return IncidentFactory(
            reported_by=alice,
            reported_at=now - timedelta(days=days_ago),
            helpdesk_done_at=now if done else None,
            status="closed" if closed else "received",
        )

    closed_not_done = phone(0, closed=True)
    open_done = phone(1, done=True)
    closed_done = phone(2, done=True, closed=True)
    open_not_done = phone(3)
    client.force_login(helpdesk)
    rows = client.get(reverse("incidents:queue", args=["helpdesk"])).context["page"].object_list
    assert [row.pk for row in rows] == [
        open_not_done.pk,
        open_done.pk,
        closed_not_done.pk,
        closed_done.pk,
    ]


def test_a_closed_incident_offers_no_finished_button_and_the_service_refuses(
    client, alice, helpdesk
):
    incident = IncidentFactory(reported_by=alice, status="closed")
    client.force_login(helpdesk)
    page = client.get(reverse("incidents:incident", args=[incident.pk])).content.decode()
    assert reverse("incidents:helpdesk_done", args=[incident.pk]) not in page
    with pytest.raises(ValidationError, match="is closed"):
        helpdesk_part_done(incident=incident, by=helpdesk)
    assert not incident.timeline.exists()


def test_a_time_before_the_incident_is_an_error_on_when_it_was_done(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    answer = client.post(
        reverse("incidents:helpdesk_action", args=[incident.pk]),
        {"action": "password_reset", "done_at": _local(incident.happened_at - timedelta(days=1))},
    )
    assert answer.status_code == 200
    form = answer.wsgi_request.incident_forms["helpdesk"]
    (error,) = form.errors["done_at"]
    assert error.startswith("When it was done is before the incident happened (")
    assert "UK time" in error
    assert not form.non_field_errors()
    assert not incident.helpdesk_actions.exists()


def test_the_service_refuses_to_record_a_step_on_a_report_not_sent_to_it(alice, helpdesk):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    with pytest.raises(ValidationError, match="not sent to the helpdesk"):
        helpdesk_action_record(
            incident=incident, action="password_reset", done_at=timezone.now(), by=helpdesk
        )
    assert not incident.helpdesk_actions.exists()
