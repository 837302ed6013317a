"""The same report form sent twice (a double tap, a resend after a dropped connection) makes
one incident: the form carries a one-time token, and the service returns the incident that
token already made."""

import re
import uuid

import pytest
from django.urls import reverse

from incidents.events import IncidentEvent
from incidents.models import Incident
from incidents.tests.report_helpers import form_data, report
from portal.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:report")


def _token(html: str) -> str:
    found = re.search(r'<input type="hidden" name="submission_token" value="([^"]+)"', html)
    assert found, "no token in the form"
    return found.group(1)


def test_each_form_shown_carries_its_own_token(client, alice):
    client.force_login(alice)
    first, second = _token(client.get(REPORT).text), _token(client.get(REPORT).text)
    assert uuid.UUID(first) != uuid.UUID(second)


def test_the_same_form_sent_twice_makes_one_incident_and_shows_its_confirmation(
    client, alice, helpdesk
):
    client.force_login(alice)
    data = {**form_data(), "submission_token": _token(client.get(REPORT).text)}
    first = client.post(REPORT, data)
    told = Notification.objects.count()
    again = client.post(REPORT, data)
    incident = Incident.objects.get()
    assert first.url == again.url == reverse("incidents:reported", args=[incident.pk])
    assert Notification.objects.count() == told
    assert AuditEvent.objects.filter(verb=IncidentEvent.INCIDENT_REPORTED).count() == 1


def test_a_form_that_failed_keeps_its_token_and_then_makes_one_incident(client, alice):
    client.force_login(alice)
    token = _token(client.get(REPORT).text)
    failed = client.post(REPORT, {**form_data(description=""), "submission_token": token})
    assert failed.status_code == 200
    assert _token(failed.text) == token
    data = {**form_data(), "submission_token": token}
    client.post(REPORT, data)
    client.post(REPORT, data)
    assert Incident.objects.count() == 1


def test_a_new_form_makes_a_new_incident(client, alice):
    client.force_login(alice)
    client.post(REPORT, {**form_data(), "submission_token": _token(client.get(REPORT).text)})
    client.post(REPORT, {**form_data(), "submission_token": _token(client.get(REPORT).text)})
    assert Incident.objects.count() == 2


def test_a_form_without_a_token_or_with_a_broken_one_is_still_reported(client, alice):
    client.force_login(alice)
    client.post(REPORT, form_data())
    client.post(REPORT, {**form_data(), "submission_token": "not-a-token"})
    assert Incident.objects.count() == 2
    assert not Incident.objects.filter(submission_token__isnull=False).exists()


def test_a_token_is_one_reporters_own(alice, bob):
    token = uuid.uuid4()
    mine = report(by=alice, token=token)
    theirs = report(by=bob, token=token)
    assert mine.pk != theirs.pk
    assert report(by=alice, token=token).pk == mine.pk
