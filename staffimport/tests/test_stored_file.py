"""HR's file is kept privately under a made-up name, never served back: the portal only reads
it to apply what was previewed."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from staffimport import parsing
from staffimport.models import StaffImport
from staffimport.tests.support import csv_bytes, person

pytestmark = pytest.mark.django_db


def test_the_file_is_kept_under_a_made_up_name_inside_the_private_folder(
    client, policy_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(policy_admin)
    data = csv_bytes([person("S1", "Jo Bloggs", "jo@example.org")])
    name = "../../Jo Bloggs salaries.csv"
    client.post(reverse("staffimport:upload"), {"file": SimpleUploadedFile(name, data)})
    staff_import = StaffImport.objects.get()
    stored = Path(staff_import.stored_file.path)
    assert stored.is_relative_to(tmp_path)
    assert "Bloggs" not in staff_import.stored_file.name
    assert stored.suffix == ".csv"
    assert stored.read_bytes() == data
    assert staff_import.file_name == "Jo Bloggs salaries.csv"  # on the record, not on disk
    for prefix in ("/media/", "/static/", "/"):
        with pytest.raises(Resolver404):
            resolve(prefix + staff_import.stored_file.name)


def test_a_file_too_large_for_the_import_is_refused_with_the_page_again(
    client, policy_admin, monkeypatch
):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 100)
    client.force_login(policy_admin)
    data = csv_bytes([person(f"S{n}", "Jo Bloggs", f"jo{n}@example.org") for n in range(10)])
    response = client.post(
        reverse("staffimport:upload"), {"file": SimpleUploadedFile("hr.csv", data)}
    )
    assert response.status_code == 200
    assert "the largest the import takes is 100" in response.text
    assert not StaffImport.objects.exists()


def test_the_template_is_an_attachment_that_is_never_sniffed(client, policy_admin):
    client.force_login(policy_admin)
    response = client.get(reverse("staffimport:template"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
