from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEvent, OrganisationSettings
from portal.testing.uploads import jpeg_bytes, png_bytes, text_chunk

pytestmark = pytest.mark.django_db

PNG = png_bytes()
JPEG = jpeg_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _form_data(**overrides):
    data = {
        "name": "Office of the Police and Crime Commissioner for Northshire",
        "short_name": "Northshire OPCC",
        "website_url": "https://www.example.org",
        "helpdesk_phone": "01234 567890",
        "helpdesk_email": "",
        "out_of_hours_phone": "01234 000999",
        "dpo_name": "Dana Protection",
        "dpo_email": "dpo@example.org",
        "dpo_phone": "",
        "chief_executive_name": "Chris Executive",
        "chief_executive_email": "ce@example.org",
        "clear_down_interval_days": "7",
        "chat_group_review_months": "12",
        "chat_group_size_limit": "50",
        "ico_deadline_hours": "72",
        "incident_triage_reminder_hours": "4",
        "ico_alert_hours": "24,6",
        "social_review_months": 3,
        "social_rotation_reminder_days": 7,
        "max_extension_days": "365",
    }
    data.update(overrides)
    return data


def test_the_system_administrator_saves_the_settings_and_each_change_is_recorded(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("portal:organisation_settings")).status_code == 200
    response = client.post(reverse("portal:organisation_settings"), _form_data(), follow=True)
    assert "Organisation settings saved." in response.text
    org = OrganisationSettings.load()
    assert (org.short_name, org.helpdesk_phone) == ("Northshire OPCC", "01234 567890")
    # What every page shows comes from here, never from the code.
    assert "Northshire OPCC compliance portal" in response.text
    assert "IT helpdesk 01234 567890" in response.text

    event = AuditEvent.objects.get(verb="organisation.settings_changed")
    assert event.actor == sysadmin
    assert event.changes["short_name"] == {"from": "Organisation", "to": "Northshire OPCC"}
    assert "clear_down_interval_days" not in event.changes  # unchanged: not recorded


def test_saving_with_nothing_changed_records_nothing(client, sysadmin):
    client.force_login(sysadmin)
    client.post(reverse("portal:organisation_settings"), _form_data())
    client.post(reverse("portal:organisation_settings"), _form_data())
    assert AuditEvent.objects.filter(verb="organisation.settings_changed").count() == 1


def test_a_bad_value_is_explained_and_what_was_typed_is_kept(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("portal:organisation_settings"),
        _form_data(ico_deadline_hours="0", dpo_email="not-an-email"),
    )
    assert response.status_code == 200
    assert "The settings were not saved" in response.text
    assert "Ensure this value is greater than or equal to 1" in response.text
    assert "Enter a valid email address" in response.text
    assert 'value="Northshire OPCC"' in response.text
    assert OrganisationSettings.load().short_name == "Organisation"


def test_the_longest_extension_is_a_setting_of_at_least_one_day(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("portal:organisation_settings")
    assert 'name="max_extension_days"' in client.get(url).text

    refused = client.post(url, _form_data(max_extension_days="0"))
    assert "Ensure this value is greater than or equal to 1" in refused.text
    assert OrganisationSettings.load().max_extension_days == 365

    client.post(url, _form_data(max_extension_days="90"))
    assert OrganisationSettings.load().max_extension_days == 90
    event = AuditEvent.objects.get(verb="organisation.settings_changed")
    assert event.changes["max_extension_days"] == {"from": 365, "to": 90}


def test_a_logo_is_stored_outside_the_web_root_under_a_made_up_name_and_served_by_its_view(
    client, sysadmin, media
):
    client.force_login(sysadmin)
    logo = SimpleUploadedFile("../../evil name.png", PNG, content_type="image/png")
    client.post(reverse("portal:organisation_settings"), _form_data(logo=logo))
    org = OrganisationSettings.load()
    stored = Path(org.logo.path)
    assert stored.is_relative_to(media)
    assert not stored.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert "evil" not in stored.name
    assert stored.suffix == ".png"
    assert AuditEvent.objects.get(verb="organisation.settings_changed").changes["logo"] == (
        "replaced"
    )

    client.logout()  # the sign-in page shows it too
    response = client.get(reverse("portal:organisation_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert f'src="{reverse("portal:organisation_logo")}"' in client.get(reverse("login")).text


def test_a_jpeg_logo_is_served_as_a_jpeg_whatever_it_was_called(client, sysadmin):
    client.force_login(sysadmin)
    logo = SimpleUploadedFile("logo.png", JPEG, content_type="image/png")
    client.post(reverse("portal:organisation_settings"), _form_data(logo=logo))
    assert OrganisationSettings.load().logo.name.endswith(".jpg")
    assert client.get(reverse("portal:organisation_logo"))["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\x00" * 100, "This file is not a PNG or JPEG file."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "This file is not a PNG or JPEG file."),
        (png_bytes(text_chunk(b"x" * 2 * 1024 * 1024)), "the largest allowed is 2.0"),
    ],
    ids=["gif", "svg-called-png", "oversized"],
)
def test_a_wrong_type_or_oversized_logo_is_refused_and_the_form_keeps_what_was_typed(
    client, sysadmin, content, message, media
):
    client.force_login(sysadmin)
    logo = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = client.post(
        reverse("portal:organisation_settings"), _form_data(logo=logo, short_name="Typed Name")
    )
    assert response.status_code == 200
    assert message in response.text
    assert "choose the logo again" in response.text
    assert 'value="Typed Name"' in response.text
    org = OrganisationSettings.load()
    assert not org.logo
    assert org.short_name == "Organisation"
    assert not Path(media).exists() or not any(Path(media).rglob("*"))


def test_the_logo_address_is_not_found_when_there_is_no_logo(client):
    assert client.get(reverse("portal:organisation_logo")).status_code == 404


def test_the_settings_service_takes_plain_values_and_records_what_the_database_held(sysadmin):
    from portal.services.organisation import organisation_settings_update

    OrganisationSettings.load()
    row = organisation_settings_update(
        values={"short_name": "Northshire OPCC", "ico_deadline_hours": 72}, by=sysadmin
    )
    assert row.short_name == "Northshire OPCC"
    event = AuditEvent.objects.get(verb="organisation.settings_changed")
    assert event.changes == {"short_name": {"from": "Organisation", "to": "Northshire OPCC"}}
    with pytest.raises(ValueError, match="Not an organisation setting"):
        organisation_settings_update(values={"pk": 2}, by=sysadmin)


def test_the_settings_are_read_from_the_database_once_then_from_the_cache(
    django_assert_num_queries,
):
    OrganisationSettings.load()
    with django_assert_num_queries(0):
        assert OrganisationSettings.load().pk == 1


def test_a_change_saved_on_the_settings_page_shows_on_the_next_page_at_once(client, sysadmin):
    OrganisationSettings.load()
    client.force_login(sysadmin)
    client.post(reverse("portal:organisation_settings"), _form_data(name="Northshire Police"))
    assert OrganisationSettings.load().name == "Northshire Police"
    assert "Northshire Police" in client.get(reverse("portal:dashboard")).text
