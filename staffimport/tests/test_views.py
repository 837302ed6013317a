from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory
from staffimport import parsing
from staffimport import services as service
from staffimport.columns import COLUMN_NAMES
from staffimport.models import StaffImport
from staffimport.tests.support import csv_bytes, person

pytestmark = pytest.mark.django_db
Status = StaffImport.Status


def make_import(**fields) -> StaffImport:
    return StaffImport.objects.create(
        **{
            "file_name": "hr.csv",
            "stored_file": "staff-imports/test/hr.csv",
            "sha256": "a" * 64,
            "total_rows": 10,
            **fields,
        }
    )


def csv_upload(data: bytes, name: str = "hr-export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload_page(client, data: bytes, **extra):
    return client.post(
        reverse("staffimport:upload"), {"file": csv_upload(data), **extra}, follow=True
    )


@pytest.fixture
def clerk(department):
    return UserFactory(staff_number="S100", full_name="Olive Oldname", email="olive@example.org")


def test_an_import_that_does_not_exist_is_not_found(client, policy_admin):
    client.force_login(policy_admin)
    for name in ("detail", "progress"):
        assert client.get(reverse(f"staffimport:{name}", args=[999])).status_code == 404
    response = client.post(reverse("staffimport:apply", args=[999]), {"sha256": "a"})
    assert response.status_code == 404


def test_a_policy_administrator_uploads_checks_and_applies_a_file(client, policy_admin, clerk):
    client.force_login(policy_admin)
    page = client.get(reverse("staffimport:upload"))
    assert page.status_code == 200
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in page.text

    data = csv_bytes(
        [
            person("S100", "Olive Newname", "olive@example.org"),
            person("S200", "Nia New", "nia@example.org"),
        ],
        header=["staff_number", "full_name", "email", "Payroll band"],
    )
    response = upload_page(client, data)
    staff_import = StaffImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("staffimport:detail", args=[staff_import.pk])
    assert "What this file would change" in response.text
    assert "Olive Oldname → Olive Newname" in response.text
    assert "Nia New" in response.text
    assert "ignored: Payroll band" in response.text
    assert staff_import.uploaded_by == policy_admin
    assert not User.objects.filter(staff_number="S200").exists()

    response = client.post(
        reverse("staffimport:apply", args=[staff_import.pk]),
        {"sha256": staff_import.sha256},
        follow=True,
    )
    assert "Applied: 1 added, 1 updated, 0 deactivated." in response.text
    assert User.objects.filter(staff_number="S200").exists()
    staff_import.refresh_from_db()
    assert (staff_import.status, staff_import.applied_by) == (Status.DONE, policy_admin)


def test_applying_with_another_files_fingerprint_is_refused(client, policy_admin):
    client.force_login(policy_admin)
    upload_page(client, csv_bytes([person("S200", "Nia New", "nia@example.org")]))
    staff_import = StaffImport.objects.get()
    response = client.post(
        reverse("staffimport:apply", args=[staff_import.pk]),
        {"sha256": "b" * 64},
        follow=True,
    )
    assert "This is not the file that was previewed" in response.text
    assert not User.objects.filter(staff_number="S200").exists()


def test_a_file_with_bad_rows_shows_every_problem_and_offers_no_apply(client, policy_admin):
    client.force_login(policy_admin)
    data = csv_bytes(
        [
            person("S200", "Nia", "not-an-address"),
            person("S201", "Bo", "bo@example.org", start_date="2024-13-01"),
        ]
    )
    response = upload_page(client, data)
    assert "2 problems found: nothing has been changed" in response.text
    assert "&#x27;not-an-address&#x27; is not an email address." in response.text
    assert "<td>3</td><td><code>start_date</code></td>" in response.text
    assert "Apply these changes" not in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7 not a csv", "This is a PDF, not a CSV file."),
        (b"staff_number,full_name,email\r\nS1,Ren\xe9e,r@example.org\r\n", "not saved as UTF-8"),
        (b"staff_number,full_name,email\r\n", "a header row but no people in it"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_form(client, policy_admin, data, message):
    client.force_login(policy_admin)
    response = client.post(
        reverse("staffimport:upload"),
        {"file": csv_upload(data), "deactivate_missing": "on"},
    )
    assert response.status_code == 200
    assert message in response.text
    assert response.context["form"]["deactivate_missing"].value() is True  # what they ticked
    assert StaffImport.objects.count() == 0


def test_an_oversized_file_is_refused_on_the_form(client, policy_admin, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 40)
    client.force_login(policy_admin)
    response = upload_page(client, csv_bytes([person("S200", "Nia New", "nia@example.org")]))
    assert "the largest the import takes is 40" in response.text
    assert StaffImport.objects.count() == 0


def test_the_progress_endpoint_reports_how_far_an_import_has_got(client, policy_admin):
    client.force_login(policy_admin)
    running = make_import(
        status=Status.APPLYING, stage="Applying the changes", total_rows=2000, processed_rows=500
    )
    data = client.get(reverse("staffimport:progress", args=[running.pk])).json()
    assert data == {
        "status": "applying",
        "status_label": "Applying the changes",
        "stage": "Applying the changes",
        "total_rows": 2000,
        "processed_rows": 500,
        "percent": 25,
        "finished": False,
    }
    page = client.get(reverse("staffimport:detail", args=[running.pk]))
    assert "500 of 2,000 rows (25%)" in page.text
    assert "staffimport/import_progress.js" in page.text
    StaffImport.objects.filter(pk=running.pk).update(status=Status.DONE, processed_rows=2000)
    data = client.get(reverse("staffimport:progress", args=[running.pk])).json()
    assert (data["percent"], data["finished"]) == (100, True)


def test_the_template_csv_has_every_column_and_an_example(client, policy_admin):
    client.force_login(policy_admin)
    response = client.get(reverse("staffimport:template"))
    assert response["Content-Disposition"] == 'attachment; filename="staff-import-template.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == COLUMN_NAMES
    _header, rows = parsing.check_file(BytesIO(response.content), size=len(response.content))
    assert rows == 1


def test_the_menu_offers_staff_import_to_policy_administrators_only(client, policy_admin, alice):
    link = f'href="{reverse("staffimport:imports")}"'
    client.force_login(policy_admin)
    assert link in client.get(reverse("portal:dashboard")).text
    client.force_login(alice)
    assert link not in client.get(reverse("portal:dashboard")).text


def test_the_history_runs_a_fixed_number_of_queries_however_many_imports(
    client, policy_admin, django_assert_num_queries
):
    for i in range(30):
        make_import(
            uploaded_by=UserFactory(),
            status=Status.DONE,
            counts={"created": i, "updated": 1, "deactivated": 0},
        )
    client.force_login(policy_admin)
    client.get(reverse("staffimport:imports"))  # the organisation's settings row is made once
    # The layout, then the count and the page (uploaders joined in).
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        response = client.get(reverse("staffimport:imports"))
    assert response.status_code == 200
    assert response.text.count("hr.csv") == 25
    assert "Page 1 of 2" in response.text


def test_a_big_upload_is_checked_in_the_background_and_its_progress_reported(
    client, policy_admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_MAX_ROWS", 3)
    client.force_login(policy_admin)
    data = csv_bytes([person(f"S{200 + i}", f"P {i}", f"p{i}@example.org") for i in range(6)])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("staffimport:upload"), {"file": csv_upload(data)})
    staff_import = StaffImport.objects.get()
    progress = reverse("staffimport:progress", args=[staff_import.pk])
    assert response.url == reverse("staffimport:detail", args=[staff_import.pk])
    assert client.get(progress).json()["status"] == "validating"
    assert "Check progress again" in client.get(response.url).text

    assert len(queued) == 1
    queued[0]()  # the worker runs the task (eagerly, in tests)
    data = client.get(progress).json()
    assert (data["status"], data["processed_rows"], data["finished"]) == ("previewed", 6, True)
    assert "What this file would change" in client.get(response.url).text


def test_an_import_that_stopped_reporting_says_so_and_how_to_finish(client, policy_admin):
    client.force_login(policy_admin)
    silent = make_import(
        status=Status.APPLYING, progress_at=timezone.now() - timedelta(hours=1), processed_rows=4
    )
    page = client.get(reverse("staffimport:detail", args=[silent.pk]))
    assert "Nothing has been heard from this import since" in page.text
    lively = make_import(status=Status.APPLYING, progress_at=timezone.now())
    page = client.get(reverse("staffimport:detail", args=[lively.pk]))
    assert "Nothing has been heard" not in page.text
