"""The report form, its confirmation, a person's own reports, adding to a report, its files,
and the dashboard panel: what each page shows, keeps and refuses."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEvent
from incidents.kinds import Kind
from incidents.models import Attachment, Incident, TimelineEntry
from incidents.tests.factories import AttachmentFactory, IncidentFactory
from incidents.tests.report_helpers import form_data, png_file, report
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.testing.queries import panels_cost
from portal.testing.uploads import png_bytes, text_chunk
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:report")
_FORM_TIME = "%Y-%m-%dT%H:%M"


def _at(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime(_FORM_TIME)


def _radio(html: str, value: str) -> str:
    found = re.search(rf'<input[^>]*name="kind"[^>]*value="{value}"[^>]*>', html)
    assert found, value
    return found.group(0)


def _errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.fixture
def numbers(db):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "0121 626 8344", "101"
    org.save()
    return org


# ---- The form -----------------------------------------------------------------------------


def test_a_report_is_sent_and_the_confirmation_page_follows(client, alice, helpdesk):
    client.force_login(alice)
    response = client.post(REPORT, {**form_data(), "attachments": [png_file()]})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:reported", args=[incident.pk])
    assert incident.reported_by == alice
    assert incident.asset_tag == "IT-40711"
    assert incident.people_affected == 40
    assert incident.attachments.count() == 1
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_the_form_page_is_marked_and_offers_every_kind(client, alice, numbers):
    client.force_login(alice)
    response = client.get(REPORT)
    html = response.text
    assert "OFFICIAL-SENSITIVE" in html
    assert "no-store" in response.headers["Cache-Control"]
    for kind in Kind:
        assert f'value="{kind.value}"' in html
    assert 'href="tel:01216268344"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "incidents/report_form.js" in html


def test_a_kind_in_the_address_is_chosen_already(client, alice):
    client.force_login(alice)
    html = client.get(f"{REPORT}?kind=virus").text
    assert "checked" in _radio(html, "virus")
    assert "checked" not in _radio(html, "lost_device")
    nonsense = client.get(f"{REPORT}?kind=nonsense")
    assert nonsense.status_code == 200
    assert "checked" not in _radio(nonsense.text, "virus")


def test_a_time_in_the_future_is_refused_saying_which(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT,
        form_data(happened_at=_at(timedelta(hours=2)), discovered_at=_at(timedelta(hours=3))),
    )
    assert response.status_code == 200
    assert _errors(response, "happened_at") == [
        "When it happened is in the future. Enter the date and time it happened, or your best "
        "guess."
    ]
    assert _errors(response, "discovered_at")[0].startswith(
        "When it was discovered is in the future"
    )
    assert not Incident.objects.exists()


def test_a_discovery_before_the_event_is_refused_saying_so(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT,
        form_data(happened_at=_at(-timedelta(hours=1)), discovered_at=_at(-timedelta(hours=5))),
    )
    assert _errors(response, "discovered_at") == [
        "It cannot have been discovered before it happened. Check both times: when it was "
        "discovered must be the same as when it happened, or later."
    ]
    assert _errors(response, "happened_at") == []
    assert "There is a problem" in response.text


def test_discovered_when_it_happened_is_fine(client, alice):
    client.force_login(alice)
    moment = _at(-timedelta(minutes=10))
    assert (
        client.post(REPORT, form_data(happened_at=moment, discovered_at=moment)).status_code == 302
    )


def test_what_a_device_report_needs_is_asked_for_by_name(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT, form_data(Kind.LOST_DEVICE, device_type="", encrypted="", locked="")
    )
    assert _errors(response, "device_type") == ["Say what kind of device it is."]
    assert _errors(response, "encrypted")[0].startswith("Say whether the device was encrypted")
    assert _errors(response, "locked")
    assert not _errors(response, "password_with_device")


def test_parts_for_other_kinds_are_ignored_not_refused(client, alice, psd):
    client.force_login(alice)
    # Typed before the kind was changed, or sent by a browser without the script.
    data = form_data(Kind.INAPPROPRIATE_CONTENT, device_type="laptop", encrypted="", locked="")
    assert client.post(REPORT, data).status_code == 302
    incident = Incident.objects.get()
    assert (incident.device_type, incident.asset_tag, incident.personal_data) == ("", "", "")


def _oversized_png(limit: int) -> bytes:
    return png_bytes(text_chunk(b"x" * (limit + 100)))


def test_an_oversized_file_is_refused_by_name_and_everything_else_is_kept(client, alice, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2000
    client.force_login(alice)
    big = SimpleUploadedFile("whole-scene.png", _oversized_png(2000), content_type="image/png")
    data = form_data(description="Phone taken from my desk at Lloyd House.")
    response = client.post(REPORT, {**data, "attachments": [png_file("ok.png"), big]})
    assert response.status_code == 200
    (error,) = _errors(response, "attachments")
    # Skipped as it arrived (portal.lib.upload_limits), so named by the limit it passed.
    assert error == (
        "“whole-scene.png” was not added. It is larger than 2.0\xa0KB, the largest allowed. "
        "Choose a smaller file."
    )
    html = response.text
    assert "Phone taken from my desk at Lloyd House." in html
    assert 'value="IT-40711"' in html
    assert 'value="Called the helpdesk."' in html or "Called the helpdesk." in html
    assert 'value="lost_device"' in html
    # The file that passed is kept for the next sending; the one refused is not.
    assert "ok.png — remove" in html
    assert "whole-scene.png — remove" not in html
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_a_disguised_file_is_refused_by_name_and_everything_else_is_kept(client, alice):
    client.force_login(alice)
    page = SimpleUploadedFile(
        "evidence.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    response = client.post(REPORT, {**form_data(asset_tag="IT-99"), "attachments": [page]})
    assert _errors(response, "attachments") == [
        "“evidence.png” was not added. This file is not a PNG, JPEG or PDF file. Choose a PNG, "
        "JPEG or PDF file."
    ]
    assert 'value="IT-99"' in response.text
    assert "Choose your files again." in response.text
    assert not Incident.objects.exists()


def test_files_chosen_with_a_form_that_fails_are_kept_not_chosen_again(client, alice):
    client.force_login(alice)
    response = client.post(
        REPORT, {**form_data(description=""), "attachments": [png_file("fine.png")]}
    )
    assert _errors(response, "description") == ["Say what happened."]
    assert "fine.png — remove" in response.text
    assert "Choose your files again." not in response.text
    assert "Already attached" not in client.post(REPORT, form_data(description="")).text


def test_too_many_files_are_refused(client, alice):
    client.force_login(alice)
    files = [png_file(f"p{n}.png") for n in range(6)]
    response = client.post(REPORT, {**form_data(), "attachments": files})
    assert _errors(response, "attachments")[0].startswith("Choose at most 5 files")


def test_reporting_for_yourself_is_refused_and_for_a_colleague_names_both(client, alice, bob):
    client.force_login(bob)
    response = client.post(REPORT, form_data(reported_for=bob.email))
    assert _errors(response, "reported_for")[0].startswith("That is you.")
    assert client.post(REPORT, form_data(reported_for=alice.email)).status_code == 302
    incident = Incident.objects.get()
    assert (incident.reported_by, incident.reported_for) == (bob, alice)
    # Both see it as theirs.
    for person in (alice, bob):
        client.force_login(person)
        assert client.get(reverse("incidents:incident", args=[incident.pk])).status_code == 200
        assert incident.reference in client.get(reverse("incidents:mine")).text
        assert client.get(reverse("incidents:reported", args=[incident.pk])).status_code == 200


# ---- The confirmation ---------------------------------------------------------------------


def test_the_confirmation_gives_the_reference_the_numbers_and_what_to_do(
    client, alice, helpdesk, dpo, numbers
):
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    client.force_login(alice)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert incident.reference in html
    assert 'href="tel:01216268344"' in html
    assert "0121 626 8344" in html
    assert 'href="tel:101"' in html
    assert "Call the IT helpdesk now" in html
    assert "It has gone to the IT helpdesk and the data protection officer." in html
    assert "OFFICIAL-SENSITIVE" in html


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (Kind.COMPROMISED_PASSWORD, "Change your password now"),
        (Kind.VIRUS, "Break the connection now"),
        (Kind.STOLEN_DEVICE, "Report the theft to the police"),
        (Kind.DATA_BREACH, "within 72 hours"),
        (Kind.INAPPROPRIATE_CONTENT, "Do not forward, copy or share the content"),
        (Kind.UNSUITABLE_MATERIAL, "Your line manager will talk to you"),
    ],
)
def test_the_confirmation_says_what_each_kind_must_still_do(client, alice, numbers, kind, words):
    incident = report(by=alice, kind=kind)
    client.force_login(alice)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert words in html


def test_a_compromised_password_links_to_changing_it(client, alice):
    incident = report(by=alice, kind=Kind.COMPROMISED_PASSWORD)
    client.force_login(alice)
    html = client.get(reverse("incidents:reported", args=[incident.pk])).text
    assert f'href="{reverse("password_change")}"' in html


def test_the_confirmation_is_the_reporters_alone(client, alice, bob, charlie, helpdesk):
    incident = report(by=alice)
    url = reverse("incidents:reported", args=[incident.pk])
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.force_login(helpdesk)
    assert client.get(url).status_code == 403


# ---- Another person's report --------------------------------------------------------------


def test_a_reporter_cannot_see_another_persons_report_nor_its_files(client, alice, charlie):
    theirs = report(by=charlie, files=[png_file("theirs.png")])
    (attachment,) = theirs.attachments.all()
    client.force_login(alice)
    assert client.get(reverse("incidents:incident", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("incidents:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("incidents:add_information", args=[theirs.pk])).status_code == 404
    posted = client.post(reverse("incidents:add_information", args=[theirs.pk]), {"text": "x"})
    assert posted.status_code == 404
    assert theirs.reference not in client.get(reverse("incidents:mine")).text
    assert not AuditEvent.objects.filter(verb=IncidentEvent.ATTACHMENT_DOWNLOADED).exists()


# ---- Files --------------------------------------------------------------------------------


def test_a_file_downloads_as_an_attachment_under_a_made_up_name_and_is_audited(
    client, alice, helpdesk
):
    incident = report(by=alice, files=[png_file("<script>.png")])
    (attachment,) = incident.attachments.all()
    for person in (alice, helpdesk):
        client.force_login(person)
        response = client.get(reverse("incidents:attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{incident.reference}-file-{attachment.pk}.png"'
        )
        assert "no-store" in response.headers["Cache-Control"]
        assert b"".join(response.streaming_content) == png_bytes()
    downloads = AuditEvent.objects.filter(verb=IncidentEvent.ATTACHMENT_DOWNLOADED)
    assert [e.actor_id for e in downloads.order_by("pk")] == [alice.pk, helpdesk.pk]


def test_the_incident_page_lists_its_files_for_everyone_who_may_see_it(client, alice, dpo):
    incident = report(by=alice, files=[png_file("map.png")])
    (attachment,) = incident.attachments.all()
    for person in (alice, dpo):
        client.force_login(person)
        html = client.get(reverse("incidents:incident", args=[incident.pk])).text
        assert reverse("incidents:attachment", args=[attachment.pk]) in html
        assert "“map.png”" in html


# ---- The incident page's sections for the reporter -----------------------------------------


def test_the_reporter_sees_what_to_do_and_can_add_while_it_is_open(client, alice, helpdesk):
    incident = report(by=alice, kind=Kind.VIRUS)
    url = reverse("incidents:incident", args=[incident.pk])
    client.force_login(alice)
    html = client.get(url).text
    assert "What you must still do" in html
    assert "Break the connection now" in html
    assert reverse("incidents:add_information", args=[incident.pk]) in html
    client.force_login(helpdesk)
    html = client.get(url).text
    assert "What you must still do" not in html
    assert reverse("incidents:add_information", args=[incident.pk]) not in html


def test_a_closed_report_asks_nothing_more_of_its_reporter(client, alice):
    incident = IncidentFactory(reported_by=alice, status=Incident.Status.CLOSED)
    client.force_login(alice)
    html = client.get(reverse("incidents:incident", args=[incident.pk])).text
    assert "What you must still do" not in html
    assert "Add information" not in html
    response = client.get(reverse("incidents:add_information", args=[incident.pk]))
    assert response.status_code == 302
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.INFORMATION_ADDED).exists()


def test_a_report_closed_while_adding_to_it_refuses_and_keeps_what_was_typed(client, alice):
    incident = report(by=alice)
    url = reverse("incidents:add_information", args=[incident.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    Incident.objects.filter(pk=incident.pk).update(
        status=Incident.Status.CLOSED, closed_at=timezone.now()
    )
    response = client.post(url, {"text": "The train was the 17:42 from New Street."})
    assert response.status_code == 200
    assert "This report is closed, so nothing more can be added." in response.text
    assert "The train was the 17:42 from New Street." in response.text
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.INFORMATION_ADDED).exists()


# ---- Adding information -------------------------------------------------------------------


def test_the_reporter_adds_information_and_files_and_the_handlers_are_told(
    client, alice, helpdesk, dpo
):
    incident = report(by=alice, kind=Kind.LOST_DEVICE)
    client.force_login(alice)
    response = client.post(
        reverse("incidents:add_information", args=[incident.pk]),
        {"text": "Found the charger; the phone is still missing.", "attachments": [png_file()]},
    )
    assert response.status_code == 302
    assert response.url == reverse("incidents:incident", args=[incident.pk])
    entry = incident.timeline.get(kind=TimelineEntry.Kind.INFORMATION_ADDED)
    assert not entry.internal
    assert entry.text == (
        "Found the charger; the phone is still missing.\n\nFiles added: screenshot.png."
    )
    assert incident.attachments.count() == 1
    told = Notification.objects.filter(dedup_key__startswith=f"incident-information:{entry.pk}:")
    assert {n.recipient for n in told} == {helpdesk, dpo}
    assert told.first().subject == f"New information on incident {incident.reference}"
    assert AuditEvent.objects.filter(verb=IncidentEvent.INFORMATION_ADDED).count() == 1


def test_adding_nothing_is_refused_and_a_bad_file_is_named(client, alice):
    incident = report(by=alice)
    url = reverse("incidents:add_information", args=[incident.pk])
    client.force_login(alice)
    response = client.post(url, {"text": "  "})
    assert "Write what you want to add, or choose a file to add." in response.text
    page = SimpleUploadedFile("note.pdf", b"<html></html>", content_type="application/pdf")
    response = client.post(url, {"text": "The train was the 17:42.", "attachments": [page]})
    assert "“note.pdf” was not added." in response.text
    assert "The train was the 17:42." in response.text
    assert "Choose your files again." in response.text
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.INFORMATION_ADDED).exists()


def test_a_handler_cannot_add_as_the_reporter(client, alice, helpdesk):
    incident = report(by=alice)
    client.force_login(helpdesk)
    url = reverse("incidents:add_information", args=[incident.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "x"}).status_code == 403


# ---- My reports ---------------------------------------------------------------------------


def test_my_reports_are_mine_and_those_made_for_me_newest_first(client, alice, bob, charlie):
    older = IncidentFactory(reported_by=alice, reported_at=timezone.now() - timedelta(days=3))
    for_me = IncidentFactory(reported_by=bob, reported_for=alice, kind=Kind.DATA_BREACH)
    IncidentFactory(reported_by=charlie)
    client.force_login(alice)
    page = client.get(reverse("incidents:mine")).context["page"]
    assert list(page.object_list) == [for_me, older]
    html = client.get(reverse("incidents:mine")).text
    assert "Reported for you by Bob Manager" in html
    assert "Received" in html


def test_with_no_reports_the_page_says_so(client, alice):
    client.force_login(alice)
    assert "You have not reported any incidents." in client.get(reverse("incidents:mine")).text


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_reports_cost_the_same_with_one_or_many(client, alice, bob):
    client.force_login(alice)
    IncidentFactory(reported_by=alice)
    url = reverse("incidents:mine")
    few = _queries(client, url)
    for _ in range(20):
        IncidentFactory(reported_by=alice)
        IncidentFactory(reported_by=bob, reported_for=alice, kind=Kind.DATA_BREACH)
    assert _queries(client, url) == few
    assert _queries(client, f"{url}?page=2") == few


def test_my_reports_are_paged(client, alice):
    for _ in range(27):
        IncidentFactory(reported_by=alice)
    client.force_login(alice)
    first = client.get(reverse("incidents:mine"))
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.text
    assert len(client.get(reverse("incidents:mine") + "?page=2").context["page"].object_list) == 2


# ---- The dashboard ------------------------------------------------------------------------


def test_the_dashboard_offers_to_report_and_lists_open_reports(client, alice):
    open_one = IncidentFactory(reported_by=alice)
    closed = IncidentFactory(reported_by=alice, status=Incident.Status.CLOSED)
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).text
    assert f'href="{REPORT}"' in html
    assert open_one.reference in html
    assert closed.reference not in html


def test_the_dashboard_panel_costs_one_query_however_many_reports(client, alice, bob):
    client.force_login(alice)
    assert panels_cost(client, "incidents-reports") == 1
    for _ in range(12):
        IncidentFactory(reported_by=alice)
        IncidentFactory(reported_by=bob, reported_for=alice)
    assert panels_cost(client, "incidents-reports") == 1


def test_the_menu_offers_reporting_to_everyone_and_the_dashboard_their_reports(client, charlie):
    client.force_login(charlie)
    dashboard = client.get(reverse("portal:dashboard")).text
    assert f'href="{reverse("incidents:report")}"' in dashboard
    assert f'href="{reverse("incidents:mine")}"' in dashboard


# ---- Odd cases ----------------------------------------------------------------------------


def test_a_missing_file_is_a_404_not_an_error(client, alice):
    attachment = AttachmentFactory(incident=IncidentFactory(reported_by=alice))
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(alice)
    assert client.get(reverse("incidents:attachment", args=[attachment.pk])).status_code == 404


def test_someone_who_has_left_cannot_be_reported_for(client, alice):
    gone = UserFactory(is_active=False)
    client.force_login(alice)
    response = client.post(REPORT, form_data(reported_for=gone.email))
    assert "no longer works here" in _errors(response, "reported_for")[0]
