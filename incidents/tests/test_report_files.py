"""Files sent with a report or added later: each checked once, before the reference is taken;
stored files never outlive a report that fails; a file too large for the portal is refused by
name while the rest of the form is kept; files that passed are kept when the form fails."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from incidents.models import Attachment, Incident, ReferenceCounter
from incidents.services import attachments as attachments_service
from incidents.services import reporting
from incidents.services.reporting import incident_add_information
from incidents.tests.report_helpers import form_data, png_file, report
from portal.lib.request_size import body_limit_for
from portal.testing.uploads import png_bytes, text_chunk

pytestmark = pytest.mark.django_db

REPORT = reverse("incidents:report")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


@pytest.fixture
def checks(monkeypatch):
    """Every content check of a file, by the name it was sent with."""
    seen: list[str] = []
    real = attachments_service.validate_upload

    def counting(upload, **kwargs):
        seen.append(upload.name)
        return real(upload, **kwargs)

    monkeypatch.setattr(attachments_service, "validate_upload", counting)
    return seen


# ---- Each file checked once ---------------------------------------------------------------


def test_a_file_sent_with_the_form_is_checked_once(client, alice, checks):
    client.force_login(alice)
    response = client.post(REPORT, {**form_data(), "attachments": [png_file("a.png")]})
    assert response.status_code == 302
    assert checks == ["a.png"]
    assert Attachment.objects.get().content_kind == "png"


def test_a_file_given_to_the_service_is_checked_once_before_the_number_is_taken(alice, checks):
    report(by=alice, files=[png_file("b.png")])
    assert checks == ["b.png"]
    bad = SimpleUploadedFile("bad.png", b"<html></html>", content_type="image/png")
    with pytest.raises(ValidationError, match="bad.png"):
        report(by=alice, files=[bad])
    assert ReferenceCounter.objects.get().last == 1
    assert Incident.objects.count() == 1


def test_a_file_added_later_is_checked_once(client, alice, checks):
    incident = report(by=alice)
    client.force_login(alice)
    response = client.post(
        reverse("incidents:add_information", args=[incident.pk]),
        {"text": "", "attachments": [png_file("c.png")]},
    )
    assert response.status_code == 302
    assert checks == ["c.png"]
    checks.clear()
    incident_add_information(incident=incident, text="", files=[png_file("d.png")], by=alice)
    assert checks == ["d.png"]


# ---- Nothing stored outlives a report that fails ------------------------------------------


def _fail_on_timeline(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the timeline is broken")

    monkeypatch.setattr(reporting, "timeline_add", broken)


def test_a_report_that_rolls_back_leaves_no_file_behind(alice, media, monkeypatch):
    _fail_on_timeline(monkeypatch)
    with pytest.raises(RuntimeError):
        report(by=alice, files=[png_file("a.png"), png_file("b.png")])
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored(media) == []


def test_information_that_rolls_back_leaves_no_file_behind(alice, media, monkeypatch):
    incident = report(by=alice, files=[png_file("kept.png")])
    (kept,) = _stored(media)
    _fail_on_timeline(monkeypatch)
    with pytest.raises(RuntimeError):
        incident_add_information(incident=incident, text="", files=[png_file("c.png")], by=alice)
    assert incident.attachments.count() == 1
    assert _stored(media) == [kept]


def test_a_report_that_succeeds_keeps_its_files(alice, media):
    incident = report(by=alice, files=[png_file("a.png")])
    assert _stored(media) == [incident.attachments.get().file.name.rsplit("/", 1)[-1]]


# ---- A file too large for the portal ------------------------------------------------------


def _big(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(text_chunk(b"x" * size)), content_type="image/png")


def test_a_file_over_the_limit_is_skipped_unread_and_named_and_the_report_kept(
    client, alice, settings, checks
):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2000
    client.force_login(alice)
    data = form_data(description="Phone taken from my desk at Lloyd House.")
    response = client.post(REPORT, {**data, "attachments": [_big("whole-scene.png", 5000)]})
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == [
        "“whole-scene.png” was not added. It is larger than 2.0\xa0KB, the largest allowed. "
        "Choose a smaller file."
    ]
    assert checks == []  # never stored, so never read
    assert "Phone taken from my desk at Lloyd House." in response.text
    assert 'value="IT-40711"' in response.text
    assert not Incident.objects.exists()


def test_the_report_pages_take_a_body_far_larger_than_five_files(alice):
    # Before, a body over 5 × the file limit + 1 MB got the generic 413 page and everything
    # typed was lost. A file over the limit is now skipped as it arrives (never kept in memory
    # or on disk), so the pages can take a generous body and answer with the form.
    incident = report(by=alice)
    for url in (REPORT, reverse("incidents:add_information", args=[incident.pk])):
        assert body_limit_for(resolve(url).func) == 100 * 1024 * 1024


def test_information_with_a_file_over_the_limit_keeps_what_was_typed(
    client, alice, settings, checks
):
    incident = report(by=alice)
    settings.PORTAL_MAX_UPLOAD_BYTES = 2000
    client.force_login(alice)
    response = client.post(
        reverse("incidents:add_information", args=[incident.pk]),
        {"text": "The train was the 17:42.", "attachments": [_big("platform.png", 1_200_000)]},
    )
    assert response.status_code == 200
    assert "“platform.png” was not added. It is larger than" in response.text
    assert "The train was the 17:42." in response.text
    assert checks == []
    assert not incident.attachments.exists()


def test_the_report_pages_still_check_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(REPORT, form_data()).status_code == 403
    incident = report(by=alice)
    url = reverse("incidents:add_information", args=[incident.pk])
    assert client.post(url, {"text": "More."}).status_code == 403
    assert not Incident.objects.filter(pk__gt=incident.pk).exists()
