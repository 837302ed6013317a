"""Every form of the DPO's triage, given generated hostile input through its real page: the
answer is a saved change or the form again with its errors, never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from incidents.forms.triage import (
    ActionAddForm,
    ActionDoneForm,
    DpoCloseForm,
    IcoDecisionForm,
    IcoDetailsForm,
    IcoReportForm,
    SubjectsToldForm,
    TriageForm,
)
from incidents.kinds import Kind
from incidents.models import Assessment
from incidents.services.triage import version_of
from incidents.tests.factories import (
    AssessmentFactory,
    ContainmentActionFactory,
    IcoReportFactory,
    IncidentFactory,
)
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def breach(alice, dpo):
    """A breach triaged a day ago, to be told to the ICO, with an initial report made."""
    reported = timezone.now() - timedelta(days=1)
    incident = IncidentFactory(
        reported_by=alice,
        kind=Kind.DATA_BREACH,
        reported_at=reported,
        happened_at=reported - timedelta(days=3),
        discovered_at=reported - timedelta(days=2),
    )
    AssessmentFactory(
        incident=incident,
        breach=True,
        notify_ico=True,
        notify_reasons="Risk.",
        notify_decided_at=reported,
        started_by=dpo,
    )
    return incident


@fuzzes(TriageForm, IcoDecisionForm, SubjectsToldForm, IcoDetailsForm, DpoCloseForm)
@pytest.mark.parametrize(
    ("page", "form"),
    [
        ("incidents:triage", TriageForm),
        ("incidents:ico_decision", IcoDecisionForm),
        ("incidents:subjects_told", SubjectsToldForm),
        ("incidents:ico_details", IcoDetailsForm),
        ("incidents:dpo_close", DpoCloseForm),
    ],
)
@given(data=st.data())
@FUZZ
def test_the_triage_forms_take_any_input(client, breach, dpo, page, form, data):
    client.force_login(dpo)
    assessment = Assessment.objects.get(incident=breach)
    blank = (
        form(incident=breach, assessment=assessment)
        if form is TriageForm
        else form(assessment=assessment)
    )
    url = reverse(page, args=[breach.pk])
    # The version as the page shows it: otherwise every example is refused unread.
    fixed = {"version": version_of(assessment)} if "version" in blank.fields else None
    assert_calm(submit(client, "post", url, data.draw(form_data(blank, fixed=fixed))))


@pytest.fixture
def reported(breach):
    """The breach, with its initial report to the ICO made: the next is a follow-up."""
    IcoReportFactory(incident=breach, sent_at=breach.reported_at + timedelta(hours=1))
    return breach


@fuzzes(IcoReportForm)
@pytest.mark.parametrize("initial", [True, False])
@given(data=st.data())
@FUZZ
def test_the_ico_report_form_takes_any_input(client, request, dpo, initial, data):
    incident = request.getfixturevalue("breach" if initial else "reported")
    client.force_login(dpo)
    assessment = Assessment.objects.get(incident=incident)
    blank = IcoReportForm(assessment=assessment, initial_report=initial)
    url = reverse("incidents:ico_report", args=[incident.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(blank))))


@fuzzes(ActionAddForm)
@given(data=st.data())
@FUZZ
def test_the_action_form_takes_any_input(client, breach, dpo, bob, data):
    client.force_login(dpo)
    url = reverse("incidents:action_add", args=[breach.pk])
    fields = data.draw(form_data(ActionAddForm()))
    if data.draw(st.booleans()):
        fields["owner"] = bob.email
    assert_calm(submit(client, "post", url, fields))


@fuzzes(ActionDoneForm)
@given(data=st.data())
@FUZZ
def test_recording_an_action_done_takes_any_input(client, breach, bob, data):
    action = ContainmentActionFactory(incident=breach, owner=bob)
    client.force_login(bob)
    url = reverse("incidents:action_done", args=[action.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(ActionDoneForm()))))
