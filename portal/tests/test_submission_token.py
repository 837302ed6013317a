"""The one-time token a form carries so that sending it twice makes one record."""

from uuid import UUID, uuid4

from django import forms

from portal.forms.submission_token import SubmissionTokenField


class _Form(forms.Form):
    submission_token = SubmissionTokenField()


def test_a_token_sent_back_is_read_as_itself():
    token = uuid4()
    form = _Form({"submission_token": str(token)})
    assert form.is_valid()
    assert form.cleaned_data["submission_token"] == token
    assert isinstance(form.cleaned_data["submission_token"], UUID)


def test_a_missing_or_tampered_token_counts_as_none_and_the_form_still_goes():
    for sent in ({}, {"submission_token": ""}, {"submission_token": "not-a-token"}):
        form = _Form(sent)
        assert form.is_valid(), sent
        assert form.cleaned_data["submission_token"] is None


def test_the_token_is_hidden_on_the_page():
    assert 'type="hidden"' in str(_Form()["submission_token"])
