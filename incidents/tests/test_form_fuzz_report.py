"""The report form and the form for adding to a report, given generated hostile input through
their real pages: the answer is a saved report or the form again with its errors, never a
server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from incidents.forms.report import AddInformationForm, ReportForm
from incidents.tests.factories import IncidentFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(ReportForm)
@given(data=st.data())
@FUZZ
def test_the_report_form_takes_any_input(client, alice, bob, helpdesk, data):
    client.force_login(alice)
    fields = data.draw(form_data(ReportForm(reporter=alice)))
    assert_calm(submit(client, "post", reverse("incidents:report"), fields, follow=True))


@fuzzes(ReportForm)
@given(kind=st.sampled_from(["", "lost_device", "virus", "x\x00", "9" * 300]))
@FUZZ
def test_the_report_form_takes_any_kind_in_its_address(client, alice, kind):
    client.force_login(alice)
    assert_calm(submit(client, "get", reverse("incidents:report"), {"kind": kind}))


@fuzzes(AddInformationForm)
@given(data=st.data())
@FUZZ
def test_adding_to_a_report_takes_any_input(client, alice, helpdesk, data):
    incident = IncidentFactory(reported_by=alice)
    client.force_login(alice)
    url = reverse("incidents:add_information", args=[incident.pk])
    fields = data.draw(form_data(AddInformationForm()))
    assert_calm(submit(client, "post", url, fields, follow=True))
