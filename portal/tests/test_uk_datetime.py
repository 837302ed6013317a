"""A date and time typed in UK time, across the nights the clocks change."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.template import Context, Template

from portal.forms.uk_datetime import UKDateTimeField
from portal.lib.uktime import repeated_hour_zone


class _Form(forms.Form):
    at = UKDateTimeField()


def _clean(typed: str):
    form = _Form({"at": typed})
    form.is_valid()
    return form.cleaned_data.get("at"), form.errors.get("at", [])


def test_a_time_in_the_hour_the_clocks_go_back_is_the_first_of_the_two():
    at, errors = _clean("2025-10-26T01:30")
    assert errors == []
    # Compared in UTC: Python never finds a time in a repeated hour equal to another zone's.
    assert at.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 01:30 BST


def test_a_time_in_the_hour_the_clocks_go_forward_is_refused_saying_why():
    at, errors = _clean("2025-03-30T01:30")
    assert at is None
    assert errors == [
        "The clocks went forward at 1am on 30 March 2025, so 01:30 did not exist in the UK. "
        "Enter a time before 1am or from 2am."
    ]


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2025-10-26T00:59", datetime(2025, 10, 25, 23, 59, tzinfo=UTC)),
        ("2025-10-26T02:00", datetime(2025, 10, 26, 2, 0, tzinfo=UTC)),
        ("2025-03-30T00:59", datetime(2025, 3, 30, 0, 59, tzinfo=UTC)),
        ("2025-03-30T02:00", datetime(2025, 3, 30, 1, 0, tzinfo=UTC)),
        ("2026-01-15 09:00", datetime(2026, 1, 15, 9, 0, tzinfo=UTC)),
        ("2026-07-15T09:00", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_times_either_side_of_a_change_are_uk_time(typed, instant):
    assert _clean(typed) == (instant, [])


@pytest.mark.parametrize(
    "typed",
    ["2026-02-30T09:00", "2026-13-01T09:00", "2026-01-01T25:00", "26/10/2025 01:30", "\x00"],
)
def test_a_date_that_is_not_real_is_refused_saying_so(typed):
    assert _clean(typed) == (
        None,
        ["Enter a real date and time, for example 1 April 2026 at 09:00."],
    )


def test_only_a_time_that_happened_twice_is_shown_with_its_zone():
    first = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)  # 01:30 GMT
    assert repeated_hour_zone(first) == "BST"
    assert repeated_hour_zone(second) == "GMT"
    assert repeated_hour_zone(datetime(2025, 10, 26, 2, 30, tzinfo=UTC)) == ""
    assert repeated_hour_zone(datetime(2025, 7, 1, 0, 30, tzinfo=UTC)) == ""
    html = Template('{% load dates %}{{ at|date:"DATETIME_FORMAT" }}{{ at|clocks_back_note }}')
    assert html.render(Context({"at": first})) == (
        "26 October 2025, 01:30 BST (the first 01:30 that night, before the clocks went back)"
    )
    assert html.render(Context({"at": second})) == (
        "26 October 2025, 01:30 GMT (the second 01:30 that night, after the clocks went back)"
    )
