"""The long declarations forms, sent back with mistakes, sum them up at the top: one link per
field in error, to that field."""

import re

import pytest
from django import forms
from django.urls import reverse

from declarations.tests.factories import CampaignFactory, PolicyFactory, PolicyVersionFactory
from portal.testing.error_summary import summary_links_and_invalid_fields

pytestmark = pytest.mark.django_db

CHOSEN = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


def _field_ids(ids: set[str]) -> set[str]:
    # A group of radio buttons or tick boxes marks each one invalid; the summary links the first.
    return {re.sub(r"_\d+$", "_0", i) for i in ids}


@pytest.mark.parametrize("page", ["policy", "version", "campaign", "statement"])
def test_the_summary_links_each_field_in_error_and_no_other(client, policy_admin, page):
    policy = PolicyFactory(slug="it")
    PolicyVersionFactory(policy=policy, published=True)
    campaign = CampaignFactory()
    client.force_login(policy_admin)
    form_name = "statement_form" if page == "statement" else "form"
    url = {
        "policy": reverse("declarations:policy_create"),
        "version": reverse("declarations:version_create", args=["it"]),
        "campaign": reverse("declarations:campaign_create"),
        "statement": reverse("declarations:statement_add", args=[campaign.pk]),
    }[page]
    form_url = reverse("declarations:campaign", args=[campaign.pk]) if page == "statement" else url
    # As a browser sends a form left empty: every field with nothing in it, except the tick
    # boxes and radio buttons, which are not sent at all when none is chosen.
    fields = client.get(form_url).context[form_name].fields
    empty = {name: "" for name, field in fields.items() if not isinstance(field.widget, CHOSEN)}
    response = client.post(url, empty)
    links, invalid = summary_links_and_invalid_fields(response.text)
    assert invalid, "nothing marked invalid"
    assert {link.removeprefix("#") for link in links} == _field_ids(invalid)
    first = min(response.text.index(f'id="{i}"') for i in invalid)
    assert response.text.index("There is a problem") < first
