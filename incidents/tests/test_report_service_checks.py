"""The reporting service checks what it is given itself, so a caller other than the form (a
command, another app) gets a refusal by field, never a server error."""

import pytest
from django.core.exceptions import ValidationError

from incidents.kinds import Kind
from incidents.models import Incident
from incidents.tests.report_helpers import report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"device_type": "toaster"}, "device_type"),
        ({"encrypted": "maybe"}, "encrypted"),
        ({"locked": "Y"}, "locked"),
        ({"password_with_device": "nope"}, "password_with_device"),
        ({"asset_tag": "T" * 61}, "asset_tag"),
        (
            {"crime_reference": "C" * 61},
            "crime_reference",
        ),
        ({"description": "x" * 10_001}, "description"),
        ({"personal_data": "x" * 10_001}, "personal_data"),
        ({"actions_taken": "x" * 10_001}, "actions_taken"),
        ({"description": "a\x00b"}, "description"),
        ({"people_affected": -1}, "people_affected"),
        ({"people_affected": 2**31}, "people_affected"),
    ],
)
def test_a_value_the_form_would_refuse_is_refused_by_the_service_by_field(alice, values, field):
    kind = Kind.STOLEN_DEVICE
    with pytest.raises(ValidationError) as refused:
        report(by=alice, kind=kind, **values)
    assert set(refused.value.message_dict) == {field}
    assert not Incident.objects.exists()


def test_the_longest_values_the_form_allows_are_accepted(alice):
    incident = report(
        by=alice,
        kind=Kind.STOLEN_DEVICE,
        asset_tag="T" * 60,
        crime_reference="C" * 60,
        description="x" * 10_000,
        people_affected=100_000_000,
    )
    assert len(incident.asset_tag) == 60
