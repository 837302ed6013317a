"""The staff import takes a whole force's HR file, far larger than any other upload, and
still refuses a larger body before reading it."""

import pytest
from django.urls import resolve, reverse

from portal.lib.request_size import FORM_ALLOWANCE, body_limit_for
from portal.testing.request_size import UnreadableBody
from staffimport.parsing import MAX_FILE_BYTES

pytestmark = pytest.mark.django_db


def test_the_staff_import_takes_a_whole_forces_file_and_no_more(client, policy_admin):
    view = resolve(reverse("staffimport:upload")).func
    assert body_limit_for(view) == MAX_FILE_BYTES + FORM_ALLOWANCE
    client.force_login(policy_admin)
    response = client.post(
        reverse("staffimport:upload"),
        CONTENT_LENGTH=str(MAX_FILE_BYTES + FORM_ALLOWANCE + 1),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "81.0\xa0MB" in response.text
