"""Uploads are checked by what they hold, stored privately under made-up names, and served only
through views that say what they are."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from portal.models import OrganisationSettings
from portal.testing.uploads import PDF_BYTES, jpeg_bytes, png_bytes, text_chunk
from portal.uploads import validate_image_upload, validate_upload

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _upload(content: bytes, name: str = "logo.png", kind: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + SCRIPT,
        png_bytes() + SCRIPT,
        png_bytes()[:-12],  # no end marker
        png_bytes().replace(b"IDAT", b"IDAX"),  # a chunk whose checksum no longer matches
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"\xff\xd8\xff" + SCRIPT,
        jpeg_bytes()[:-2] + SCRIPT,
    ],
    ids=[
        "png-signature-then-html",
        "png-then-html",
        "png-cut-short",
        "png-bad-checksum",
        "svg-with-script-called-png",
        "jpeg-marker-then-html",
        "jpeg-then-html",
    ],
)
def test_a_picture_that_is_really_a_web_page_is_refused(content):
    with pytest.raises(ValidationError, match="This file is not a PNG or JPEG file"):
        validate_image_upload(_upload(content))


def test_whole_pictures_are_accepted_by_what_they_hold_not_their_names():
    assert validate_image_upload(_upload(png_bytes(), "photo.jpg", "image/jpeg")) == "png"
    assert validate_image_upload(_upload(jpeg_bytes(), "logo.png", "text/html")) == "jpeg"
    # Text in a PNG's own comment chunk is not run by anything that shows a PNG.
    assert validate_image_upload(_upload(png_bytes(text_chunk(SCRIPT)))) == "png"


def test_a_phone_jpeg_with_data_after_its_end_marker_is_accepted():
    # Pixel motion photos carry a video after the picture; Samsung phones add their own
    # trailer. What follows the end of the image is never shown, and files are only ever
    # served as downloads or as images, with nosniff.
    motion_photo = jpeg_bytes() + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
    samsung = jpeg_bytes() + b"SEFH" + b"\x01" * 32 + b"SEFT"
    for content in (motion_photo, samsung):
        assert validate_image_upload(_upload(content, "PXL_20260401.jpg", "image/jpeg")) == "jpeg"


def test_a_pdf_must_be_whole_and_a_web_page_called_pdf_is_refused():
    assert validate_upload(_upload(PDF_BYTES, "p.pdf"), kinds=("pdf",)) == "pdf"
    for content in (b"%PDF-1.7\n" + SCRIPT, SCRIPT + b"\n%%EOF"):
        with pytest.raises(ValidationError, match="This file is not a PDF file"):
            validate_upload(_upload(content, "p.pdf", "application/pdf"), kinds=("pdf",))


def test_a_file_over_the_limit_is_refused_before_its_content_is_read(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="the largest allowed is 100"):
        validate_upload(_upload(PDF_BYTES + b" " * 200, "p.pdf"), kinds=("pdf",))


def test_uploads_are_kept_outside_every_folder_served_as_static_files():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    served = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    for folder in served:
        folder = folder.resolve()
        assert not media.is_relative_to(folder)
        assert not folder.is_relative_to(media)
    assert not getattr(django_settings, "WHITENOISE_ROOT", None)


@pytest.mark.django_db
def test_no_address_serves_the_upload_folder(client, sysadmin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(sysadmin)
    client.post(
        reverse("portal:organisation_settings"),
        {
            "name": "Org",
            "short_name": "Org",
            "clear_down_interval_days": "7",
            "chat_group_review_months": "12",
            "chat_group_size_limit": "50",
            "ico_deadline_hours": "72",
            "incident_triage_reminder_hours": "4",
            "ico_alert_hours": "24,6",
            "social_review_months": 3,
            "social_rotation_reminder_days": 7,
            "max_extension_days": "365",
            "logo": _upload(png_bytes(), "../../evil.png"),
        },
    )
    stored = OrganisationSettings.load().logo.name
    assert stored.startswith("organisation/")
    assert "evil" not in stored
    for prefix in ("/media/", "/static/", "/uploads/", "/"):
        response = client.get(prefix + stored)
        assert response.status_code == 404, prefix
        with pytest.raises(Resolver404):
            resolve(prefix + stored)


@pytest.mark.django_db
def test_the_logo_is_served_inline_with_its_checked_type_and_no_sniffing(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    org = OrganisationSettings.load()
    org.logo.save("0123abcd.png", SimpleUploadedFile("x", jpeg_bytes()), save=True)
    response = client.get(reverse("portal:organisation_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"  # what it holds, not what it is called
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="logo.jpg"'


@pytest.mark.django_db
def test_a_stored_logo_that_is_not_a_picture_is_not_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = OrganisationSettings.load()
    org.logo.save("0123abcd.png", SimpleUploadedFile("x", SCRIPT), save=True)
    assert client.get(reverse("portal:organisation_logo")).status_code == 404
