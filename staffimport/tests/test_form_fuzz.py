"""The staff import's forms given generated hostile input through their real pages: HR's file
(its header, its cells, or no CSV at all) is checked and previewed, or refused with the reason,
and applying what was previewed never ends in a server error."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from portal.models import EmploymentType
from portal.roles import Role
from portal.testing.form_fuzz import (
    FUZZ,
    assert_calm,
    form_data,
    fuzzes,
    hostile_text,
    hostile_upload,
    submit,
    undone,
)
from portal.tests.factories import UserFactory
from staffimport.forms import RefuseForm, StaffImportForm
from staffimport.models import HeldChange, StaffImport
from staffimport.tests.support import HEADER, apply, csv_bytes, person, preview

pytestmark = pytest.mark.django_db

_NAME = st.from_regex(r"\A[A-Z][a-z]{1,10} [A-Z][a-z]{1,10}\Z")
_PLAUSIBLE = {
    "staff_number": st.from_regex(r"\AS[0-9]{1,4}\Z"),
    "full_name": _NAME,
    "email": st.from_regex(r"\A[a-z]{1,10}\.[a-z]{1,10}@example\.org\Z"),
    "job_title": st.sampled_from(["Officer", "Analyst", ""]),
    "department_code": st.sampled_from(["EXEC", "FIN", "NEW", ""]),
    "department_name": st.sampled_from(["Finance", "New team", ""]),
    "line_manager_staff_number": st.from_regex(r"\AS[0-9]{1,2}\Z"),
    "employment_type": st.sampled_from([label for _, label in EmploymentType.choices]),
    "start_date": st.dates().map(str),
    "leave_date": st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    "politically_restricted": st.sampled_from(["yes", "no", "Y", ""]),
    "active": st.sampled_from(["yes", "no", "true", "0", ""]),
}


def _row(header: list[str], *, hostile: bool) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {
            column: st.one_of(_PLAUSIBLE[column], hostile_text) if hostile else _PLAUSIBLE[column]
            for column in header
        }
    )


@st.composite
def hr_files(draw) -> bytes:
    """A CSV with the columns the import reads, in any order, and hostile cells."""
    optional = draw(st.lists(st.sampled_from(HEADER[3:]), unique=True))
    header = draw(st.permutations(["staff_number", "full_name", "email", *optional]))
    # Mostly plausible rows, so that many files get as far as the preview and applying.
    rows = draw(
        st.lists(st.one_of(_row(header, hostile=False), _row(header, hostile=True)), max_size=6)
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


@fuzzes(StaffImportForm)
@given(data=st.data())
@FUZZ
def test_any_file_is_previewed_or_refused_and_applying_the_preview_never_fails(
    client, policy_admin, alice, data
):
    client.force_login(policy_admin)
    fields = data.draw(form_data(StaffImportForm()))
    if data.draw(st.sampled_from([True, True, True, False])):  # mostly a CSV
        fields["file"] = SimpleUploadedFile("hr.csv", data.draw(hr_files()), "text/csv")
    with undone():
        uploaded = client.post(reverse("staffimport:upload"), fields)
        assert_calm(uploaded)
        staff_import = StaffImport.objects.order_by("-pk").first()
        if uploaded.status_code == 302 and staff_import.status == StaffImport.Status.PREVIEWED:
            event("previewed")
            url = reverse("staffimport:apply", args=[staff_import.pk])
            assert_calm(client.post(url, {"sha256": staff_import.sha256}))
            assert_calm(client.get(reverse("staffimport:detail", args=[staff_import.pk])))


@given(upload=hostile_upload())
@FUZZ
def test_the_upload_form_refuses_what_is_no_hr_file_without_an_exception(upload):
    # The form on its own, for files that never reach the preview.
    form = StaffImportForm(data={}, files={"file": upload})
    if form.is_valid():
        assert form.rows >= 0


@pytest.fixture
def held(policy_admin):
    privileged = UserFactory(staff_number="S001", email="sam@example.org", roles=[Role.SYSADMIN])
    data = csv_bytes([person("S001", privileged.full_name, privileged.email, active="no")])
    apply(preview(data, by=policy_admin), by=policy_admin)
    return HeldChange.objects.get()


@fuzzes(RefuseForm)
@given(data=st.data())
@FUZZ
def test_refusing_a_held_change_takes_any_reason(client, sysadmin, held, data):
    client.force_login(sysadmin)
    fields = data.draw(form_data(RefuseForm()))
    assert_calm(submit(client, "post", reverse("staffimport:held_refuse", args=[held.pk]), fields))
