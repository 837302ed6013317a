"""Declarations' access beyond the whole-portal table (declarations/tests/routes.py): records
that do not exist, drafts, superusers, and the Django admin's read-only view."""

import pytest
from django.urls import reverse

from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(alice):
    """A published version, a draft, an open campaign with alice's obligation and her signed
    declaration in an earlier campaign, and a draft campaign with an extra statement."""
    policy = PolicyFactory(slug="it")
    published = PolicyVersionFactory(policy=policy, published=True, label="4.0")
    draft = PolicyVersionFactory(policy=policy, label="5.0")
    draft_only = PolicyVersionFactory(policy=PolicyFactory(slug="unpublished"), label="0.1")
    campaign = CampaignFactory(open=True, versions=[published])
    obligation = ObligationFactory(campaign=campaign, user=alice)
    earlier = CampaignFactory(open=True, versions=[published])
    declaration = DeclarationFactory(obligation=ObligationFactory(campaign=earlier, user=alice))
    draft_campaign = CampaignFactory(versions=[published])
    statement = ExtraStatementFactory(campaign=draft_campaign)
    return {
        "policy": policy,
        "published": published,
        "draft": draft,
        "draft_only": draft_only,
        "campaign": campaign,
        "obligation": obligation,
        "declaration": declaration,
        "draft_campaign": draft_campaign,
        "statement": statement,
    }


def test_a_superuser_without_the_role_is_still_refused(client, scene, alice):
    alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    response = client.get(reverse("declarations:campaigns"))
    assert response.status_code == 403


def test_policy_administrators_get_404_for_things_that_do_not_exist(client, policy_admin, scene):
    client.force_login(policy_admin)
    for url in (
        reverse("declarations:admin_policy", args=["nope"]),
        reverse("declarations:admin_version", args=[999999]),
        reverse("declarations:version_edit", args=[999999]),
        reverse("declarations:campaign", args=[999999]),
        reverse("declarations:campaign_people", args=[999999]),
        reverse("declarations:obligation", args=[999999]),
    ):
        assert client.get(url).status_code == 404, url


def test_drafts_are_hidden_from_staff(client, alice, scene, settings, tmp_path):
    client.force_login(alice)
    assert client.get(reverse("declarations:version", args=[scene["draft"].pk])).status_code == 404
    assert (
        client.get(reverse("declarations:version_pdf", args=[scene["draft"].pk])).status_code == 404
    )
    assert client.get(reverse("declarations:policy", args=["unpublished"])).status_code == 404
    assert (
        client.get(reverse("declarations:version", args=[scene["published"].pk])).status_code == 200
    )
    # A published version without a PDF has nothing to download.
    assert (
        client.get(reverse("declarations:version_pdf", args=[scene["published"].pk])).status_code
        == 404
    )


def test_the_django_admin_shows_declarations_but_cannot_change_or_delete_them(client, scene):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    declaration = scene["declaration"]
    change = reverse("admin:declarations_declaration_change", args=[declaration.pk])
    assert client.get(reverse("admin:declarations_declaration_changelist")).status_code == 200
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.post(change, {"typed_name": "Forged"}).status_code == 403
    delete = reverse("admin:declarations_declaration_delete", args=[declaration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    declaration.refresh_from_db()
    assert declaration.typed_name == "Alice Staff"
