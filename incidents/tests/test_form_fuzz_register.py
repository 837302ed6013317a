"""The breach register's filters and the DPO's year, given generated hostile input through
their real pages and the export: the answer is the page (or the file), never a server error."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from incidents.forms.register import BreachFilterForm, ReportYearForm
from incidents.tests.register_helpers import breach
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(BreachFilterForm)
@pytest.mark.parametrize("page", ["incidents:breach_register", "incidents:breach_register_csv"])
@given(data=st.data())
@FUZZ
def test_the_register_filters_take_any_input(client, dpo, page, data):
    breach(outcome="late")
    client.force_login(dpo)
    query = data.draw(form_data(BreachFilterForm(this_year=timezone.localdate().year)))
    answer = submit(client, "get", reverse(page), query)
    assert_calm(answer)
    if answer.streaming:
        b"".join(answer.streaming_content)


@fuzzes(ReportYearForm)
@given(data=st.data())
@FUZZ
def test_the_figures_year_takes_any_input(client, dpo, data):
    breach(outcome="notified")
    client.force_login(dpo)
    query = data.draw(form_data(ReportYearForm(this_year=timezone.localdate().year)))
    assert_calm(submit(client, "get", reverse("incidents:dpo_reports"), query))
