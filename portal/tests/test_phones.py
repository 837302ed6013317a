"""Telephone numbers as links a phone can dial."""

import pytest
from django.template import Context, Template

from portal.templatetags.phones import tel


@pytest.mark.parametrize(
    ("written", "dialled"),
    [
        ("0121 626 8344", "01216268344"),
        ("+44 (0)121 626 8344", "+441216268344"),
        ("+44 (0) 121 626 8344", "+441216268344"),
        ("+44 121-626-8344", "+441216268344"),
        ("(0121) 626 8344", "01216268344"),
        ("101", "101"),
        ("+1 (202) 555 0100", "+12025550100"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_number_keeps_its_digits_and_a_leading_plus_only(written, dialled):
    assert tel(written) == dialled


def test_the_filter_is_used_by_name_in_a_template():
    html = Template('{% load phones %}<a href="tel:{{ n|tel }}">').render(
        Context({"n": "+44 (0)121 626 8344"})
    )
    assert html == '<a href="tel:+441216268344">'
