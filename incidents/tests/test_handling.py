"""Handling an incident from its page: notes, messages to the reporter, referring to the DPO,
closing, and who may do each (the reporter never; another part's handler 403; anyone else 404)."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.access import may_close_here
from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Alert, Incident, TimelineEntry
from incidents.outbox import message_key, referred_key
from incidents.services.handling import (
    incident_close_by_handler,
    incident_message_send,
    incident_note_add,
)
from incidents.tests.factories import (
    AssessmentFactory,
    HelpdeskActionFactory,
    IcoReportFactory,
    IncidentFactory,
    PsdAssessmentFactory,
    TimelineEntryFactory,
)
from portal.models import AuditEvent, Notification, OrganisationSettings

pytestmark = pytest.mark.django_db

INTERNAL = "Internal: only the people handling this see it"


def _url(name: str, incident: Incident) -> str:
    return reverse(f"incidents:{name}", args=[incident.pk])


def test_a_handler_adds_an_internal_note_the_reporter_never_sees(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    answer = client.post(_url("note", incident), {"text": "Called Vodafone to block the SIM."})
    assert answer.status_code == 302
    assert answer["Location"] == _url("incident", incident) + "#timeline"

    entry = incident.timeline.get()
    assert (entry.kind, entry.internal, entry.by) == (TimelineEntry.Kind.NOTE, True, helpdesk)
    assert AuditEvent.objects.filter(verb=IncidentEvent.NOTE_ADDED, object_id=incident.pk).exists()
    page = client.get(_url("incident", incident)).content.decode()
    assert "Called Vodafone to block the SIM." in page
    assert INTERNAL in page

    client.force_login(alice)
    page = client.get(_url("incident", incident)).content.decode()
    assert "Called Vodafone" not in page
    assert INTERNAL not in page
    assert "Add an internal note" not in page


def test_a_message_is_on_the_timeline_the_reporter_reads_and_both_people_are_emailed(
    client, alice, bob, helpdesk
):
    incident = IncidentFactory(reported_by=bob, reported_for=alice)
    client.force_login(helpdesk)
    answer = client.post(_url("message", incident), {"text": "Please bring the charger in."})
    assert answer.status_code == 302

    entry = incident.timeline.get()
    assert (entry.kind, entry.internal) == (TimelineEntry.Kind.MESSAGE, False)
    told = Notification.objects.filter(dedup_key__startswith=f"incident-message:{entry.pk}:")
    assert {n.recipient_id for n in told} == {alice.pk, bob.pk}
    email = told.get(dedup_key=message_key(entry.pk, alice.pk))
    assert incident.reference in email.subject
    assert "charger" not in email.body_text  # read in the portal, never in the email
    assert AuditEvent.objects.filter(verb=IncidentEvent.MESSAGE_SENT).count() == 1

    client.force_login(alice)
    page = client.get(_url("incident", incident)).content.decode()
    assert "Please bring the charger in." in page
    assert "Harry Helpdesk" in page


def test_a_message_is_not_emailed_to_the_manager_who_sent_it(client, alice, bob):
    # Bob reported for Alice, of his team: he handles it as her manager, and writes to her.
    incident = IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=bob, reported_for=alice)
    client.force_login(bob)
    assert client.post(_url("message", incident), {"text": "Can we talk?"}).status_code == 302
    told = Notification.objects.filter(dedup_key__startswith="incident-message:")
    assert [n.recipient for n in told] == [alice]


def test_a_content_report_referred_to_the_dpo_reaches_the_dpo_who_is_emailed(
    client, alice, psd, dpo, deputy_dpo
):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    assert not incident.to_dpo
    client.force_login(psd)
    answer = client.post(_url("refer_to_dpo", incident), {"reason": "It names a victim."})
    assert answer.status_code == 302

    incident.refresh_from_db()
    assert incident.to_dpo
    assert incident.referred_to_dpo_at is not None
    entry = incident.timeline.get()
    assert (entry.kind, entry.internal) == (TimelineEntry.Kind.REFERRED_TO_DPO, True)
    assert "It names a victim." in entry.text
    for person in (dpo, deputy_dpo):
        assert Notification.objects.filter(
            dedup_key=referred_key(incident.pk, str(person.pk)), recipient=person
        ).exists()
    client.force_login(dpo)
    assert client.get(_url("incident", incident)).status_code == 200
    queue = client.get(reverse("incidents:queue", args=["dpo"])).content.decode()
    assert incident.reference in queue


def test_a_referral_is_not_emailed_to_the_dpo_who_reported_it(client, psd, dpo, deputy_dpo):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=dpo)
    client.force_login(psd)
    answer = client.post(
        _url("refer_to_dpo", incident), {"reason": "It names a victim."}, follow=True
    )
    told = Notification.objects.filter(dedup_key__startswith=f"incident-referred:{incident.pk}:")
    assert [n.recipient for n in told] == [deputy_dpo]
    assert "Emailed to Dev Deputy." in answer.content.decode()


def test_with_no_dpo_a_referral_goes_to_the_organisations_dpo_mailbox(client, alice, psd):
    org = OrganisationSettings.load()
    org.dpo_email = "dpo.mailbox@example.org"
    org.save()
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    answer = client.post(_url("refer_to_dpo", incident), {"reason": "Personal data."}, follow=True)
    email = Notification.objects.get(dedup_key=referred_key(incident.pk, "dpo.mailbox@example.org"))
    assert (email.recipient, email.to_email) == (None, "dpo.mailbox@example.org")
    assert email.body_text.startswith("Hello,")
    assert "Emailed to dpo.mailbox@example.org." in answer.content.decode()


def test_a_referral_nobody_could_be_emailed_about_says_so(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    answer = client.post(_url("refer_to_dpo", incident), {"reason": "Personal data."}, follow=True)
    assert not Notification.objects.filter(dedup_key__startswith="incident-referred:").exists()
    assert "nobody could be emailed" in answer.content.decode()
    incident.refresh_from_db()
    assert incident.to_dpo


def test_referring_an_incident_the_dpo_already_has_is_refused_with_the_reason(client, alice, dpo):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    client.force_login(dpo)
    answer = client.post(_url("refer_to_dpo", incident), {"reason": "Just in case."})
    # The page again, and nothing recorded (no form is offered for it: it was sent by hand).
    assert answer.status_code == 200
    assert "The DPO already deals with this incident." in answer.content.decode()
    assert not incident.timeline.exists()


def test_psd_closes_a_content_report_and_the_reporter_is_told(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    PsdAssessmentFactory(incident=incident, recorded_by=psd)
    client.force_login(psd)
    page = client.get(_url("incident", incident)).content.decode()
    assert "Close the incident" in page
    answer = client.post(_url("close", incident), {"note": "Words of advice given."})
    assert answer.status_code == 302

    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_by == psd
    assert Notification.objects.filter(recipient=alice, subject__contains="is closed").exists()


PSD_FIRST = "Record Professional Standards&#x27; assessment (outcome and PSD reference) first."


def test_psd_cannot_close_a_content_report_before_recording_their_assessment(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    page = client.get(_url("incident", incident)).content.decode()
    assert _url("close", incident) not in page
    assert PSD_FIRST in page
    answer = client.post(_url("close", incident), {"note": "Nothing to see."})
    assert answer.status_code == 200
    assert PSD_FIRST in answer.content.decode()
    incident.refresh_from_db()
    assert not incident.is_closed
    with pytest.raises(ValidationError, match="Record Professional Standards"):
        incident_close_by_handler(incident=incident, note="Done.", by=psd)
    assert not may_close_here(psd, incident)


@pytest.mark.parametrize(
    ("kind", "who"),
    [(Kind.LOST_DEVICE, "helpdesk"), (Kind.LOST_DEVICE, "dpo"), (Kind.DATA_BREACH, "dpo")],
)
def test_an_incident_routed_to_the_dpo_is_not_closed_here(client, request, alice, kind, who):
    person = request.getfixturevalue(who)
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(person)
    # The DPO closes it from the assessment (incidents:dpo_close), not with this form.
    assert _url("close", incident) not in client.get(_url("incident", incident)).content.decode()
    answer = client.post(_url("close", incident), {"note": "Done."})
    assert answer.status_code == 200
    assert "This incident is with the Data Protection Officer" in answer.content.decode()
    incident.refresh_from_db()
    assert incident.status != Incident.Status.CLOSED


def test_a_content_report_referred_to_the_dpo_is_no_longer_closed_by_psd(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    client.post(_url("refer_to_dpo", incident), {"reason": "Personal data."})
    page = client.get(_url("incident", incident)).content.decode()
    assert "Refer it to the DPO" not in page
    assert "Close the incident" not in page
    assert "closes it once the data protection questions are settled" in page


@pytest.mark.parametrize(
    ("kind", "who"),
    [(Kind.UNSUITABLE_MATERIAL, "bob"), (Kind.ONLINE_CONTENT, "chief_executive")],
)
def test_the_manager_and_the_chief_executive_close_what_is_theirs_alone(
    client, request, alice, kind, who
):
    person = request.getfixturevalue(who)
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(person)
    assert client.post(_url("close", incident), {"note": "Spoken to."}).status_code == 302
    incident.refresh_from_db()
    assert incident.is_closed


def test_a_form_with_a_mistake_shows_the_page_again_with_what_was_typed(client, alice, psd):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    answer = client.post(
        _url("psd_assessment", incident),
        {"outcome": "referred", "psd_reference": "PSD/2026/17", "reasons": "Serious."},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "There is a problem" in page
    assert "Say who it was referred to." in page
    assert 'value="PSD/2026/17"' in page
    assert "Serious.</textarea>" in page
    assert answer["Cache-Control"].count("no-store") == 1
    assert not incident.psd_assessments.exists()


# ---- Who may do what -----------------------------------------------------------------------

POSTS = {
    "note": {"text": "A note."},
    "message": {"text": "A message."},
    "refer_to_dpo": {"reason": "A reason."},
    "close": {"note": "Closing."},
}


@pytest.mark.parametrize("name", [*POSTS, "timeline_csv", "timeline_print"])
def test_the_reporter_is_refused_every_handling_page(client, alice, name):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(alice)
    if name in POSTS:
        answer = client.post(_url(name, incident), POSTS[name])
    else:
        answer = client.get(_url(name, incident))
    assert answer.status_code == 403
    assert not incident.timeline.exists()


@pytest.mark.parametrize("name", [*POSTS, "helpdesk_action", "helpdesk_done", "psd_assessment"])
def test_someone_the_incident_is_not_routed_to_gets_404(client, alice, charlie, psd, name):
    incident = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    for person in (charlie, psd):
        client.force_login(person)
        assert client.post(_url(name, incident), POSTS.get(name, {})).status_code == 404
    assert not incident.timeline.exists()


def test_the_handling_pages_answer_only_post(client, helpdesk, alice):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(helpdesk)
    for name in [*POSTS, "helpdesk_action", "helpdesk_done", "psd_assessment"]:
        assert client.get(_url(name, incident)).status_code == 405


def test_the_dpo_section_of_a_lost_phone_has_no_helpdesk_form(client, alice, dpo):
    incident = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    client.force_login(dpo)
    page = client.get(_url("incident", incident)).content.decode()
    assert "IT helpdesk" in page
    assert "Record what the helpdesk did" not in page
    answer = client.post(
        _url("helpdesk_action", incident),
        {"action": "wipe_requested", "done_at": "2026-01-01T10:00"},
    )
    assert answer.status_code == 403


# ---- The timeline, exported and printed ----------------------------------------------------


def test_the_timeline_csv_has_every_entry_formula_safe_and_is_audited(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    incident_note_add(incident=incident, text='=HYPERLINK("http://evil.example")', by=helpdesk)
    incident_note_add(incident=incident, text="-2+3", by=helpdesk)
    client.force_login(helpdesk)
    answer = client.get(_url("timeline_csv", incident))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == (
        f'attachment; filename="{incident.reference}-timeline.csv"'
    )
    assert "no-store" in answer["Cache-Control"]
    text = b"".join(answer.streaming_content).decode()
    assert "When (UK time),Step,By,Seen by,What it says" in text
    assert "'=HYPERLINK" in text
    assert "'-2+3" in text
    assert text.count("Handlers only") == 2
    event = AuditEvent.objects.get(verb=IncidentEvent.TIMELINE_EXPORTED)
    assert (event.actor_id, event.object_id) == (helpdesk.pk, str(incident.pk))


def test_the_print_page_is_marked_and_has_a_print_button(client, alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    incident_note_add(incident=incident, text="Wipe sent.", by=helpdesk)
    client.force_login(helpdesk)
    answer = client.get(_url("timeline_print", incident))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count("OFFICIAL-SENSITIVE") >= 2
    assert "data-print" in page
    assert "portal/print.js" in page
    assert "Wipe sent." in page
    assert INTERNAL in page
    assert "no-store" in answer["Cache-Control"]


def test_the_reporter_sees_the_timeline_without_internal_entries_or_export_links(
    client, alice, helpdesk
):
    incident = IncidentFactory(reported_by=alice)
    incident_note_add(incident=incident, text="Secret note.", by=helpdesk)
    client.force_login(alice)
    page = client.get(_url("incident", incident)).content.decode()
    assert "Timeline" in page
    assert "Secret note." not in page
    assert "Download the timeline" not in page
    assert "Print the timeline" not in page


def test_the_dpo_queue_shows_the_time_left_on_a_running_clock(client, alice, dpo):
    incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    AssessmentFactory(incident=incident, breach=True)
    incident.refresh_from_db()
    client.force_login(dpo)
    page = client.get(reverse("incidents:queue", args=["dpo"])).content.decode()
    assert "left" in page
    assert "A personal data breach" in page
    # After the deadline: how long ago it passed.
    incident.assessment.ico_deadline_at = timezone.now() - timedelta(hours=3)
    incident.assessment.save()
    page = client.get(reverse("incidents:queue", args=["dpo"])).content.decode()
    assert "Passed 3\xa0hours ago" in page


def _page_queries(client, incident: Incident) -> int:
    url = _url("incident", incident)
    client.get(url)  # warm: the organisation settings into the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("kind", "who"),
    [
        (Kind.LOST_DEVICE, "helpdesk"),
        (Kind.INAPPROPRIATE_CONTENT, "psd"),
        (Kind.LOST_DEVICE, "alice"),
    ],
)
def test_the_handling_sections_cost_the_same_with_3_or_30_steps(client, request, alice, kind, who):
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(request.getfixturevalue(who))

    def add(n: int) -> None:
        for i in range(n):
            TimelineEntryFactory(incident=incident, internal=bool(i % 2))
            if incident.to_helpdesk:
                HelpdeskActionFactory(incident=incident)
            if incident.to_psd:
                PsdAssessmentFactory(incident=incident)

    add(3)
    few = _page_queries(client, incident)
    add(27)
    assert _page_queries(client, incident) == few


# ---- The record cannot be rewritten ----------------------------------------------------------

APPEND_ONLY = (
    "incidents_timelineentry",
    "incidents_helpdeskaction",
    "incidents_psdassessment",
    "incidents_icoreport",
    "incidents_alert",
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_database_refuses_to_update_delete_or_truncate_the_record(alice, table):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    TimelineEntryFactory(incident=incident)
    HelpdeskActionFactory(incident=incident)
    PsdAssessmentFactory(incident=incident)
    IcoReportFactory(incident=incident)
    Alert.objects.create(key=f"test:{incident.pk}", incident=incident)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in (
        f"UPDATE {table} SET id = id",  # noqa: S608
        f"DELETE FROM {table}",  # noqa: S608
        f"TRUNCATE {table} CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match=f"refused on {table}"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone() == (1,)


def test_the_audit_event_of_a_note_fingerprints_its_text_and_of_a_message_keeps_it(alice, helpdesk):
    incident = IncidentFactory(reported_by=alice)
    note = incident_note_add(incident=incident, text=" Called Vodafone. ", by=helpdesk)
    message = incident_message_send(incident=incident, text="Bring the charger.", by=helpdesk)
    changes = AuditEvent.objects.get(verb=IncidentEvent.NOTE_ADDED).changes
    assert changes["entry"] == note.pk
    assert changes["text_sha256"] == hashlib.sha256(b"Called Vodafone.").hexdigest()
    assert "Called Vodafone." not in str(changes)
    changes = AuditEvent.objects.get(verb=IncidentEvent.MESSAGE_SENT).changes
    assert (changes["entry"], changes["text"]) == (message.pk, "Bring the charger.")
