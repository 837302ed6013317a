"""Who may open which declarations page. Signed in without the role: 403. Someone else's object:
404. Not signed in: to the sign-in page. And nothing changes when the answer is no."""

import pytest
from django.urls import reverse

from declarations.models import Campaign, Declaration, ExtraStatement, Obligation, PolicyVersion
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.models import AuditEvent
from portal.testing.access_matrix import ANONYMOUS, SIGN_IN, assert_access_matrix
from portal.tests.factories import TEST_PASSWORD, UserFactory

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


def _admin_urls(s) -> list[tuple[str, str]]:
    """Every policy administrator page, with the method that uses it."""
    return [
        ("get", reverse("declarations:admin_policies")),
        ("get", reverse("declarations:policy_create")),
        ("post", reverse("declarations:policy_create")),
        ("get", reverse("declarations:admin_policy", args=["it"])),
        ("get", reverse("declarations:policy_edit", args=["it"])),
        ("post", reverse("declarations:policy_edit", args=["it"])),
        ("get", reverse("declarations:version_create", args=["it"])),
        ("post", reverse("declarations:version_create", args=["it"])),
        ("get", reverse("declarations:admin_version", args=[s["draft"].pk])),
        ("get", reverse("declarations:version_edit", args=[s["draft"].pk])),
        ("post", reverse("declarations:version_edit", args=[s["draft"].pk])),
        ("post", reverse("declarations:version_publish", args=[s["draft"].pk])),
        ("get", reverse("declarations:campaigns")),
        ("get", reverse("declarations:campaign_create")),
        ("post", reverse("declarations:campaign_create")),
        ("get", reverse("declarations:campaign", args=[s["draft_campaign"].pk])),
        ("get", reverse("declarations:campaign_edit", args=[s["draft_campaign"].pk])),
        ("post", reverse("declarations:campaign_edit", args=[s["draft_campaign"].pk])),
        ("post", reverse("declarations:campaign_open", args=[s["draft_campaign"].pk])),
        ("post", reverse("declarations:campaign_close", args=[s["campaign"].pk])),
        ("post", reverse("declarations:statement_add", args=[s["draft_campaign"].pk])),
        ("post", reverse("declarations:statement_remove", args=[s["statement"].pk])),
        ("get", reverse("declarations:campaign_people", args=[s["campaign"].pk])),
        ("get", reverse("declarations:obligation", args=[s["obligation"].pk])),
        ("post", reverse("declarations:obligation_pause", args=[s["obligation"].pk])),
        ("post", reverse("declarations:obligation_resume", args=[s["obligation"].pk])),
        ("post", reverse("declarations:obligation_extend", args=[s["obligation"].pk])),
    ]


def _state():
    return (
        list(PolicyVersion.objects.order_by("pk").values_list("status", "body_markdown")),
        list(Campaign.objects.order_by("pk").values_list("status", "name")),
        list(Obligation.objects.order_by("pk").values_list("status", "due_at")),
        ExtraStatement.objects.count(),
        Declaration.objects.count(),
        # Signing in is recorded; the matrix signs each person in, which is not the pages' doing.
        AuditEvent.objects.exclude(verb="user.signed_in").count(),
    )


OUTSIDERS = ["alice", "bob", "charlie", "dpo", "sysadmin", "helpdesk"]


def test_people_without_the_policy_administrator_role_get_403_and_change_nothing(
    client, request, scene
):
    before = _state()
    assert_access_matrix(
        client,
        request,
        [(url, method, dict.fromkeys(OUTSIDERS, 403)) for method, url in _admin_urls(scene)],
        data={"reason": "x", "name": "x", "title": "x", "text": "x"},
    )
    assert _state() == before


def test_a_superuser_without_the_role_is_still_refused(client, scene, alice):
    alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    response = client.get(reverse("declarations:campaigns"))
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, request, scene):
    urls = [url for _, url in _admin_urls(scene)] + [
        reverse("declarations:mine"),
        reverse("declarations:policies"),
        reverse("declarations:sign", args=[scene["obligation"].pk]),
        reverse("declarations:receipt", args=[scene["declaration"].pk]),
        reverse("declarations:record", args=[scene["declaration"].pk]),
    ]
    # A GET of a POST-only action may be refused (405) before sign-in is asked for.
    assert_access_matrix(
        client, request, [(url, "get", {ANONYMOUS: (SIGN_IN, 405)}) for url in urls]
    )


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


@pytest.mark.parametrize("who", ["bob", "policy_admin", "charlie"])
def test_only_the_person_can_open_or_post_their_signing_page(client, request, scene, who):
    # bob is alice's line manager; the administrator runs the campaign; neither can sign for her.
    client.force_login(request.getfixturevalue(who))
    url = reverse("declarations:sign", args=[scene["obligation"].pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"typed_name": "Alice Staff", "password": TEST_PASSWORD})
    assert response.status_code == 404
    assert Declaration.objects.count() == 1  # only the earlier one from the scene


@pytest.mark.parametrize("who", ["bob", "charlie", "dpo"])
def test_someone_elses_declaration_is_404_except_to_a_policy_administrator(
    client, request, scene, who, policy_admin
):
    declaration = scene["declaration"]
    client.force_login(request.getfixturevalue(who))
    for name in ("receipt", "record"):
        assert client.get(reverse(f"declarations:{name}", args=[declaration.pk])).status_code == 404
    client.force_login(policy_admin)
    record = client.get(reverse("declarations:record", args=[declaration.pk]))
    assert record.status_code == 200
    assert "Alice Staff" in record.text


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


def test_post_only_actions_refuse_get(client, policy_admin, scene):
    client.force_login(policy_admin)
    for name, pk in (
        ("campaign_open", scene["draft_campaign"].pk),
        ("campaign_close", scene["campaign"].pk),
        ("version_publish", scene["draft"].pk),
        ("obligation_pause", scene["obligation"].pk),
        ("statement_remove", scene["statement"].pk),
    ):
        assert client.get(reverse(f"declarations:{name}", args=[pk])).status_code == 405, name


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
