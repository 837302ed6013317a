"""Routing on submission: each kind reaches exactly the people who must act on it (and no one
else), through the outbox in the reporting transaction, with the reporter's confirmation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Incident, TimelineEntry
from incidents.outbox import report_received_key
from incidents.tests.report_helpers import png_file, report
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(alice, bob, charlie, dpo, deputy_dpo, psd, helpdesk, chief_executive, ce_delegate):
    """Every handler there is, so that a report reaching one too many shows."""
    return {
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "dpo": dpo,
        "deputy_dpo": deputy_dpo,
        "psd": psd,
        "helpdesk": helpdesk,
        "chief_executive": chief_executive,
        "ce_delegate": ce_delegate,
    }


@pytest.fixture
def helpdesk_mailbox(db):
    org = OrganisationSettings.load()
    org.helpdesk_email = "itd.servicedesk@example.org"
    org.save()
    return org.helpdesk_email


def _told(incident: Incident) -> set[str]:
    """Who the new-report email went to: people by name, mailboxes by address."""
    return {
        n.recipient.full_name if n.recipient else n.to_email
        for n in Notification.objects.filter(
            dedup_key__startswith=f"incident-reported:{incident.pk}:"
        ).select_related("recipient")
    }


HELPDESK_AND_DPO = {
    "Harry Helpdesk",
    "itd.servicedesk@example.org",
    "Dana Protection",
    "Dev Deputy",
}
EXPECTED = {
    Kind.LOST_DEVICE: HELPDESK_AND_DPO,
    Kind.STOLEN_DEVICE: HELPDESK_AND_DPO,
    Kind.COMPROMISED_PASSWORD: HELPDESK_AND_DPO,
    Kind.DEVICE_FAULT: HELPDESK_AND_DPO,
    Kind.VIRUS: HELPDESK_AND_DPO,
    Kind.DATA_BREACH: {"Dana Protection", "Dev Deputy"},
    Kind.OTHER: {"Dana Protection", "Dev Deputy"},
    Kind.INAPPROPRIATE_CONTENT: {"Pat Standards"},
    Kind.UNSUITABLE_MATERIAL: {"Bob Manager"},
    Kind.ONLINE_CONTENT: {"Chris Executive", "Della Delegate"},
}


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_reaches_exactly_the_people_who_act_on_it(kind, everyone, helpdesk_mailbox):
    incident = report(by=everyone["alice"], kind=kind)
    assert _told(incident) == EXPECTED[kind]
    # And the reporter has their receipt; nobody else is written to.
    others = Notification.objects.exclude(dedup_key__startswith=f"incident-reported:{incident.pk}:")
    assert list(others.values_list("dedup_key", flat=True)) == [
        report_received_key(incident.pk, everyone["alice"].pk)
    ]


def test_the_helpdesk_mailbox_is_told_only_when_the_organisation_has_one(alice, helpdesk, dpo):
    incident = report(by=alice, kind=Kind.VIRUS)
    assert _told(incident) == {"Harry Helpdesk", "Dana Protection"}


def test_unsuitable_material_from_someone_without_a_line_manager_goes_to_the_dpo(
    charlie, dpo, deputy_dpo, bob
):
    incident = report(by=charlie, kind=Kind.UNSUITABLE_MATERIAL)
    assert (incident.to_manager, incident.to_dpo) == (False, True)
    assert _told(incident) == {"Dana Protection", "Dev Deputy"}


def test_a_line_manager_who_has_left_is_no_line_manager(alice, bob, dpo):
    bob.is_active = False
    bob.save()
    incident = report(by=alice, kind=Kind.UNSUITABLE_MATERIAL)
    assert incident.to_dpo
    assert not incident.to_manager
    assert _told(incident) == {"Dana Protection"}


def test_the_line_manager_is_the_one_at_the_time_of_the_report(alice, bob, charlie):
    incident = report(by=alice, kind=Kind.UNSUITABLE_MATERIAL)
    alice.line_manager = charlie
    alice.save()
    incident.refresh_from_db()
    assert incident.line_manager == bob


def test_a_report_for_a_colleague_goes_to_the_colleagues_manager_and_names_both(
    alice, bob, charlie
):
    carol = UserFactory(full_name="Carol Team", line_manager=charlie)
    incident = report(by=alice, reported_for=carol, kind=Kind.UNSUITABLE_MATERIAL)
    assert incident.line_manager == charlie
    assert _told(incident) == {"Charlie Outsider"}
    receipts = Notification.objects.filter(
        dedup_key__startswith=f"incident-received:{incident.pk}:"
    )
    assert {n.recipient for n in receipts} == {alice, carol}
    for_carol = receipts.get(recipient=carol)
    assert "Alice Staff has reported an incident for you" in for_carol.body_text
    handler = Notification.objects.get(dedup_key__startswith=f"incident-reported:{incident.pk}:")
    assert "Alice Staff has reported an incident for Carol Team" in handler.body_text


def test_nobody_is_sent_their_own_report_to_handle(alice, dpo, deputy_dpo):
    incident = report(by=dpo, kind=Kind.DATA_BREACH)
    assert _told(incident) == {"Dev Deputy"}


def test_with_nobody_in_the_role_the_organisations_mailbox_is_told(alice):
    org = OrganisationSettings.load()
    org.dpo_email = "dpo.mailbox@example.org"
    org.chief_executive_email = "ce.office@example.org"
    org.save()
    assert _told(report(by=alice, kind=Kind.DATA_BREACH)) == {"dpo.mailbox@example.org"}
    assert _told(report(by=alice, kind=Kind.ONLINE_CONTENT)) == {"ce.office@example.org"}


def test_someone_in_two_of_its_roles_gets_one_email_saying_both(alice):
    both = UserFactory(full_name="Two Hats", roles=["IT helpdesk", "Data protection officer"])
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    email = Notification.objects.get(recipient=both)
    assert email.dedup_key == f"incident-reported:{incident.pk}:{both.pk}"
    assert "As the IT helpdesk" in email.body_text
    assert "As the data protection officer" in email.body_text


def test_the_email_says_the_reference_kind_reporter_what_to_do_and_links_the_incident(
    alice, helpdesk
):
    incident = report(by=alice, kind=Kind.STOLEN_DEVICE, asset_tag="IT-40711")
    email = Notification.objects.get(recipient=helpdesk)
    assert email.subject == f"New incident report {incident.reference}: Stolen device"
    for words in (
        incident.reference,
        "Stolen device",
        "Alice Staff has reported an incident",
        "As the IT helpdesk: act now",
        "asset tag IT-40711",
        f"http://testserver/incidents/{incident.pk}/",
    ):
        assert words in email.body_text, words
    assert "Left it on the train" not in email.body_text  # the details stay in the portal
    assert email.url == f"/incidents/{incident.pk}/"


def test_the_reporter_is_told_the_reference_and_what_to_do_with_the_numbers(alice):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "0121 626 8344", "101"
    org.save()
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    receipt = Notification.objects.get(recipient=alice)
    assert receipt.subject == f"Your incident report {incident.reference} was received"
    assert "Call the IT helpdesk now" in receipt.body_text
    assert "IT helpdesk: 0121 626 8344" in receipt.body_text
    assert "Out of hours: 101" in receipt.body_text
    assert 'href="tel:01216268344"' in receipt.body_html


def test_the_report_is_recorded_with_its_timeline_audit_and_files_in_one_go(alice, helpdesk, dpo):
    incident = report(by=alice, kind=Kind.LOST_DEVICE, files=[png_file("train.png")])
    assert incident.reference == f"INC-{incident.year}-0001"
    (entry,) = incident.timeline.all()
    assert entry.kind == TimelineEntry.Kind.REPORTED
    assert not entry.internal
    assert entry.text == (
        "Reported by Alice Staff. Sent to the IT helpdesk and the data protection officer. "
        "1 file attached."
    )
    event = AuditEvent.objects.get(verb=IncidentEvent.INCIDENT_REPORTED)
    assert event.changes["routed_to"] == ["helpdesk", "dpo"]
    assert event.changes["reference"] == incident.reference
    (attachment,) = incident.attachments.all()
    assert attachment.original_name == "train.png"
    assert attachment.file.name != "incidents/train.png"
    assert attachment.file.name.startswith("incidents/")
    assert attachment.file.name.endswith(".png")
    assert AuditEvent.objects.filter(verb=IncidentEvent.ATTACHMENT_ADDED).count() == 1


def test_a_refused_report_leaves_nothing_behind(alice, helpdesk):
    with pytest.raises(ValidationError) as refused:
        report(by=alice, happened_at=timezone.now() + timedelta(hours=2))
    assert "happened_at" in refused.value.message_dict
    assert not Incident.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(verb=IncidentEvent.INCIDENT_REPORTED).exists()


def test_what_the_kind_does_not_ask_for_is_left_out(alice):
    incident = report(
        by=alice,
        kind=Kind.INAPPROPRIATE_CONTENT,
        crime_reference="CR/1/26",
        asset_tag="IT-1",
        personal_data="Names",
        people_affected=4,
    )
    assert (incident.device_type, incident.asset_tag, incident.encrypted) == ("", "", "")
    assert (incident.crime_reference, incident.personal_data) == ("", "")
    assert incident.people_affected is None


def test_the_kinds_needs_are_checked_by_the_service_too(alice):
    with pytest.raises(ValidationError) as refused:
        report(by=alice, kind=Kind.STOLEN_DEVICE, device_type="", encrypted="")
    assert set(refused.value.message_dict) == {"device_type", "encrypted"}
    with pytest.raises(ValidationError) as refused:
        report(by=alice, kind=Kind.DATA_BREACH, personal_data=" ")
    assert set(refused.value.message_dict) == {"personal_data"}


def test_nobody_reports_for_themselves(alice):
    with pytest.raises(ValidationError) as refused:
        report(by=alice, reported_for=alice)
    assert "That is you" in refused.value.message_dict["reported_for"][0]
