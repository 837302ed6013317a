"""The confirmation after a report and the receipt by email: who it truly reached, what must
still be done and by whom, and numbers a phone can dial."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Incident
from incidents.tests.report_helpers import report
from portal.models import Notification, OrganisationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def international(db):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "+44 (0)121 626 8344", "+44 (0)300 123 1212"
    org.save()
    return org


def test_numbers_written_the_international_way_are_dialled_without_the_zero(
    client, alice, helpdesk, international
):
    client.force_login(alice)
    html = client.get(reverse("incidents:report")).text
    assert 'href="tel:+441216268344"' in html
    assert 'href="tel:+443001231212"' in html
    for kind in (Kind.LOST_DEVICE, Kind.DATA_BREACH):
        incident = report(by=alice, kind=kind)
        html = client.get(reverse("incidents:reported", args=[incident.pk])).text
        assert 'href="tel:+441216268344"' in html
        assert 'href="tel:+443001231212"' in html
        assert "+44 (0)121 626 8344" in html
        assert "tel:+44(0)" not in html
    receipt = Notification.objects.get(
        recipient=alice, subject__contains=Incident.objects.get(kind=Kind.LOST_DEVICE).reference
    )
    assert 'href="tel:+441216268344"' in receipt.body_html


# ---- What must still be done, and by whom ---------------------------------------------------


def test_a_report_for_a_colleague_tells_the_reporter_what_to_tell_them(client, alice, bob):
    incident = report(by=bob, reported_for=alice, kind=Kind.COMPROMISED_PASSWORD)
    client.force_login(bob)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert "Tell Alice Staff to change their password now" in html
    assert "Tell Alice Staff to call the IT helpdesk now" in html
    assert "Change your password now" not in html
    assert "Change your portal password now" not in html  # her password, not his
    html = client.get(reverse("incidents:incident", args=[incident.pk])).text
    assert "Tell Alice Staff to change their password now" in html
    assert "Change your portal password now" not in html


def test_the_colleague_it_happened_to_is_told_what_to_do_with_the_button(client, alice, bob):
    incident = report(by=bob, reported_for=alice, kind=Kind.COMPROMISED_PASSWORD)
    client.force_login(alice)
    html = client.get(reverse("incidents:incident", args=[incident.pk])).text
    assert "Change your password now" in html
    assert "Change your portal password now" in html
    assert "Tell Alice Staff" not in html


def test_each_receipt_speaks_to_its_reader(alice, bob):
    incident = report(by=bob, reported_for=alice, kind=Kind.VIRUS)
    to_bob = Notification.objects.get(recipient=bob, subject__contains=incident.reference)
    to_alice = Notification.objects.get(recipient=alice, subject__contains=incident.reference)
    assert "Tell Alice Staff to break the connection now" in to_bob.body_text
    assert "Tell Alice Staff to break the connection now" in to_bob.body_html
    assert "- Break the connection now" in to_alice.body_text
    assert "Tell Alice Staff" not in to_alice.body_text


def test_once_the_helpdesk_is_done_nobody_is_told_to_call_it(client, alice):
    incident = report(by=alice, kind=Kind.STOLEN_DEVICE)
    client.force_login(alice)
    url = reverse("incidents:incident", args=[incident.pk])
    assert "Call the IT helpdesk now" in client.get(url).text
    Incident.objects.filter(pk=incident.pk).update(helpdesk_done_at=timezone.now())
    html = client.get(url).text
    assert "Call the IT helpdesk now" not in html
    assert "Report the theft to the police" in html
