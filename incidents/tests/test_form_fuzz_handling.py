"""Every form of the handling part, given generated hostile input through its real page: the
answer is a saved step or the incident page again with its errors, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from incidents.forms.handling import (
    CloseForm,
    HelpdeskActionForm,
    MessageForm,
    NoteForm,
    PsdAssessmentForm,
    ReferForm,
)
from incidents.forms.queues import QueueFilterForm
from incidents.kinds import Kind
from incidents.models import Incident
from incidents.tests.factories import IncidentFactory
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@fuzzes(NoteForm, MessageForm, ReferForm, CloseForm)
@pytest.mark.parametrize(
    ("page", "form", "kind"),
    [
        ("incidents:note", NoteForm, Kind.LOST_DEVICE),
        ("incidents:message", MessageForm, Kind.LOST_DEVICE),
        ("incidents:refer_to_dpo", ReferForm, Kind.INAPPROPRIATE_CONTENT),
        ("incidents:close", CloseForm, Kind.INAPPROPRIATE_CONTENT),
    ],
)
@given(data=st.data())
@FUZZ
def test_the_handlers_forms_take_any_input(client, alice, helpdesk, psd, page, form, kind, data):
    incident = IncidentFactory(kind=kind, reported_by=alice)
    client.force_login(helpdesk if kind == Kind.LOST_DEVICE else psd)
    url = reverse(page, args=[incident.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form()))))


@fuzzes(HelpdeskActionForm)
@given(data=st.data())
@FUZZ
def test_the_helpdesk_form_takes_any_input(client, alice, helpdesk, data):
    incident = IncidentFactory(kind=Kind.STOLEN_DEVICE, reported_by=alice)
    client.force_login(helpdesk)
    url = reverse("incidents:helpdesk_action", args=[incident.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(HelpdeskActionForm()))))


@fuzzes(PsdAssessmentForm)
@given(data=st.data())
@FUZZ
def test_the_psd_form_takes_any_input(client, alice, psd, data):
    incident = IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    url = reverse("incidents:psd_assessment", args=[incident.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(PsdAssessmentForm()))))


@fuzzes(QueueFilterForm)
@pytest.mark.parametrize(("slug", "who"), [("dpo", "dpo"), ("helpdesk", "helpdesk")])
@given(data=st.data())
@FUZZ
def test_the_queues_take_any_filter(client, request, alice, slug, who, data):
    IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    client.force_login(request.getfixturevalue(who))
    form = QueueFilterForm(kinds=list(Kind), statuses=Incident.Status.choices)
    fields = data.draw(form_data(form))
    assert_calm(submit(client, "get", reverse("incidents:queue", args=[slug]), fields))
