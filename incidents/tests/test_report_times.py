"""Times typed on the report form on the nights the UK clocks change."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from incidents.models import Incident
from incidents.tests.report_helpers import form_data
from portal.models import Notification

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:report")


def test_a_time_in_the_repeated_hour_is_taken_as_bst_and_shown_as_such(client, alice, helpdesk):
    client.force_login(alice)
    response = client.post(
        REPORT, form_data(happened_at="2025-10-26T01:30", discovered_at="2025-10-26T01:45")
    )
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get()
    assert incident.happened_at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert incident.discovered_at == datetime(2025, 10, 26, 0, 45, tzinfo=UTC)
    html = client.get(response.url).text
    assert "The clocks went back that night" in html
    assert "26 October 2025, 01:30 BST (the first 01:30 that night" in html
    html = client.get(reverse("incidents:incident", args=[incident.pk])).text
    assert "26 October 2025, 01:30 BST (the first 01:30 that night" in html
    assert "26 October 2025, 01:45 BST (the first 01:45 that night" in html
    email = Notification.objects.get(recipient=helpdesk)
    assert "Happened: 26 October 2025, 01:30 BST (the first 01:30" in email.body_text


def test_an_ordinary_time_has_no_note(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT, form_data(happened_at="2025-10-26T02:30", discovered_at="2025-10-26T03:00")
    )
    incident = Incident.objects.get()
    assert incident.happened_at == datetime(2025, 10, 26, 2, 30, tzinfo=UTC)
    assert "clocks went back" not in client.get(response.url).text
    assert "BST" not in client.get(reverse("incidents:incident", args=[incident.pk])).text


def test_a_time_in_the_missing_hour_is_refused_saying_why_and_the_rest_is_kept(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT, form_data(happened_at="2025-03-30T01:30", discovered_at="2025-03-30T09:00")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["happened_at"] == [
        "The clocks went forward at 1am on 30 March 2025, so 01:30 did not exist in the UK. "
        "Enter a time before 1am or from 2am."
    ]
    assert "couldn’t be interpreted" not in response.text
    assert 'value="2025-03-30T09:00"' in response.text
    assert "Left my work phone on the 17:42 train." in response.text
    assert not Incident.objects.exists()
