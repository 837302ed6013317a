"""The error summary above a form with mistakes: each mistake once, each linked to its field."""

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from portal.templatetags.error_summary import Problem, form_problems
from portal.testing.error_summary import summary_links_and_invalid_fields


class _Example(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter your name."})
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    teams = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        super().clean()
        self.add_error(None, "These details do not go together.")
        self.add_error("teams", "Choose a team you are in.")


def _summary(form) -> str:
    return Template('{% include "_error_summary.html" %}').render(Context({"form": form}))


def test_each_mistake_links_to_its_field_and_the_form_wide_ones_link_nowhere():
    problems = form_problems(_Example({"token": "", "kind": "z"}))
    assert Problem("These details do not go together.", "") in problems
    assert Problem("Enter your name.", "#id_name") in problems
    # A group of radio buttons or tick boxes is reached through its first one.
    assert any(p.href == "#id_kind_0" for p in problems)
    assert Problem("Choose a team you are in.", "#id_teams_0") in problems
    # A hidden field has nothing to go to.
    assert any(p.href == "" and "required" in p.message for p in problems)


def test_a_message_of_django_s_own_says_which_field_it_is_about():
    problems = form_problems(_Example({"name": "x", "kind": "z", "token": "t"}))
    kind = next(p for p in problems if p.href == "#id_kind_0")
    assert kind.message.startswith("Kind: Select a valid choice.")
    # A message written for the field already says so: it is shown as it is.
    assert Problem("Choose a team you are in.", "#id_teams_0") in problems


def test_there_is_no_summary_before_the_form_is_sent_or_when_it_has_no_mistakes():
    assert _summary(_Example()).strip() == ""
    assert _summary(None).strip() == ""

    class Fine(forms.Form):
        name = forms.CharField()

    assert _summary(Fine({"name": "x"})).strip() == ""


def test_the_summary_is_an_alert_focused_on_load_with_a_plain_heading():
    html = _summary(_Example({}))
    assert 'role="alert"' in html
    assert 'tabindex="-1"' in html
    assert "data-error-summary" in html
    assert "There is a problem" in html
    assert '<a href="#id_name" class="alert-link">Enter your name.</a>' in html


@pytest.mark.django_db
def test_the_organisation_settings_page_sums_up_its_mistakes(client, sysadmin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(sysadmin)
    response = client.post(
        reverse("portal:organisation_settings"),
        {"name": "", "short_name": "", "clear_down_interval_days": "seven"},
    )
    assert response.status_code in (200, 400)
    links, invalid = summary_links_and_invalid_fields(response.text)
    assert links, "no error summary"
    assert {link.removeprefix("#") for link in links} == invalid
    assert "#id_name" in links
    assert "There is a problem" in response.text


def test_a_group_of_tick_boxes_with_no_choices_is_not_linked_to_an_input_that_is_not_there():
    class Empty(forms.Form):
        teams = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)

    assert [p.href for p in form_problems(Empty({}))] == [""]
