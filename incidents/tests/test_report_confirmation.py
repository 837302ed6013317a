"""The confirmation after a report and the receipt by email: who it truly reached, what must
still be done and by whom, and numbers a phone can dial."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Incident, TimelineEntry
from incidents.tests.report_helpers import report
from portal.models import AuditEvent, Notification, OrganisationSettings

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


# ---- A report always reaches someone ---------------------------------------------------------


def _told(incident: Incident) -> set[str]:
    return {
        n.recipient.full_name if n.recipient else n.to_email
        for n in Notification.objects.filter(
            dedup_key__startswith=f"incident-reported:{incident.pk}:"
        ).select_related("recipient")
    }


def test_a_report_nobody_else_can_handle_goes_to_the_dpo_and_says_so(client, psd, dpo, deputy_dpo):
    incident = report(by=psd, kind=Kind.INAPPROPRIATE_CONTENT)
    assert incident.to_psd
    assert incident.to_dpo
    assert _told(incident) == {"Dana Protection", "Dev Deputy"}
    entry = incident.timeline.get(kind=TimelineEntry.Kind.REPORTED)
    said = (
        "Nobody could be sent it as Professional Standards, so the data protection officer "
        "has it instead."
    )
    assert (
        entry.text
        == f"Reported by Pat Standards. It has gone to the data protection officer. {said}"
    )
    event = AuditEvent.objects.get(verb=IncidentEvent.INCIDENT_REPORTED)
    assert event.changes["nobody_for"] == ["psd"]
    assert event.changes["routed_to"] == ["dpo", "psd"]
    client.force_login(psd)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert "It has gone to the data protection officer." in html
    assert said in html
    assert "It has gone to Professional Standards" not in html
    receipt = Notification.objects.get(recipient=psd)
    assert said in receipt.body_text
    client.force_login(dpo)
    assert client.get(reverse("incidents:incident", args=[incident.pk])).status_code == 200


def test_with_no_dpo_either_the_dpo_mailbox_has_it(alice):
    org = OrganisationSettings.load()
    org.dpo_email = "dpo.mailbox@example.org"
    org.save()
    incident = report(by=alice, kind=Kind.INAPPROPRIATE_CONTENT)
    assert incident.to_dpo
    assert _told(incident) == {"dpo.mailbox@example.org"}


def test_a_helpdesk_report_with_no_helpdesk_says_only_the_dpo_has_it(client, alice, dpo):
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    assert _told(incident) == {"Dana Protection"}
    client.force_login(alice)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert "It has gone to the data protection officer. Nobody could be sent it as the IT " in html
    assert "It has gone to the IT helpdesk" not in html


def test_a_report_that_reaches_everyone_says_nothing_more(client, alice, helpdesk, dpo):
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    client.force_login(alice)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert "It has gone to the IT helpdesk and the data protection officer." in html
    assert "Nobody could be sent it" not in html
    assert AuditEvent.objects.get(verb=IncidentEvent.INCIDENT_REPORTED).changes["nobody_for"] == []
