"""How the audit trail names and links declarations' records (registered from plugin.py)."""

import pytest
from django.urls import reverse

from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.roles import Role
from portal.services.audit import audit_record
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(alice):
    version = PolicyVersionFactory(published=True, policy__title="IT and social media", label="4.0")
    campaign = CampaignFactory(open=True, versions=[version], name="Annual declaration 2026")
    obligation = ObligationFactory(campaign=campaign, user=alice)
    declaration = DeclarationFactory(obligation=obligation)
    for verb, obj in (
        ("policy.created", version.policy),
        ("policy_version.published", version),
        ("campaign.opened", campaign),
        ("obligation.extended", obligation),
        ("declaration.signed", declaration),
    ):
        audit_record(verb=verb, actor=alice, obj=obj)
    return {
        "Policy: IT and social media": None,
        "Policy version: IT and social media 4.0": reverse(
            "declarations:admin_version", args=[version.pk]
        ),
        "Campaign: Annual declaration 2026": reverse("declarations:campaign", args=[campaign.pk]),
        "Declaration to sign: Alice Staff · Annual declaration 2026": reverse(
            "declarations:obligation", args=[obligation.pk]
        ),
        f"Signed declaration: {declaration}": reverse("declarations:record", args=[declaration.pk]),
    }


def _table(client) -> str:
    text = client.get(reverse("portal:audit")).text
    return text[text.index("<tbody") : text.index("</tbody>")]


def test_a_policy_administrator_reading_the_trail_follows_each_record_to_its_page(client, records):
    reader = UserFactory(roles=[Role.DPO, Role.POLICY_ADMIN])
    client.force_login(reader)
    table = _table(client)
    for name, url in records.items():
        if url is None:
            assert name in table
            assert f">{name}</a>" not in table
        else:
            assert f'<a href="{url}">{name}</a>' in table
            assert client.get(url).status_code == 200, name


def test_a_reader_who_is_not_a_policy_administrator_sees_the_names_without_links(
    client, dpo, records
):
    client.force_login(dpo)
    table = _table(client)
    for name, url in records.items():
        assert name in table
        if url is not None:
            assert url not in table
    assert "declarations." not in table
    assert "Campaign opened" in table
    assert "Declaration signed" in table
