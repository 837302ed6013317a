"""The DPO's and the helpdesk's times are typed in UK time through the portal's one date-time
field: a time in the hour the clocks go back is taken (the first of the two), and one in the
hour they go forward is refused saying why, never with Django's own words."""

from datetime import UTC, datetime

import pytest

from incidents.forms.handling import HelpdeskActionForm
from incidents.forms.triage import TriageForm
from incidents.tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

JARGON = "couldn't be interpreted"


def test_the_helpdesk_time_in_the_skipped_hour_is_refused_in_plain_words():
    form = HelpdeskActionForm(data={"action": "password_reset", "done_at": "2026-03-29T01:30"})
    assert not form.is_valid()
    message = " ".join(form.errors["done_at"])
    assert "clocks went forward" in message
    assert JARGON not in message


def test_the_repeated_hour_is_a_time_the_dpo_can_record(alice):
    incident = IncidentFactory(
        reported_by=alice, reported_at=datetime(2026, 10, 24, 12, tzinfo=UTC)
    )
    form = TriageForm(data={"aware_at": "2026-10-25T01:30"}, incident=incident, assessment=None)
    form.is_valid()
    assert "aware_at" not in form.errors
