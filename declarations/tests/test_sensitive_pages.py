"""Reports of who has signed, the people of a campaign and a person's own record tell browsers
and proxies never to keep a copy (Cache-Control: no-store)."""

import pytest
from django.urls import reverse

from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.roles import Role
from portal.tests.factories import UserFactory


@pytest.fixture
def scene(db, client, alice):
    admin = UserFactory(roles=[Role.POLICY_ADMIN])
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    declaration = DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=admin))
    ObligationFactory(campaign=campaign, user=alice)
    client.force_login(admin)
    return {
        "campaign": campaign.pk,
        "obligation": declaration.obligation_id,
        "declaration": declaration.pk,
    }


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("declarations:reports", None),
        ("declarations:report", "campaign"),
        ("declarations:report_outstanding", "campaign"),
        ("declarations:report_export", "campaign"),
        ("declarations:campaign_people", "campaign"),
        ("declarations:campaign_summary", "campaign"),
        ("declarations:obligation", "obligation"),
        ("declarations:receipt", "declaration"),
        ("declarations:record", "declaration"),
    ],
)
def test_reports_and_records_of_people_are_never_stored(client, scene, name, arg):
    response = client.get(reverse(name, args=[scene[arg]] if arg else []))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_line_managers_team_page_is_never_stored(client, alice, bob):
    client.force_login(bob)
    response = client.get(reverse("declarations:my_team"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_policy_page_is_not_marked(client, alice):
    client.force_login(alice)
    response = client.get(reverse("declarations:policies"))
    assert "no-store" not in response.get("Cache-Control", "")
