"""A policy's page address: made from its title unless typed, in plain words, never a clash."""

import pytest
from django.urls import reverse

from declarations.forms import PolicyForm
from declarations.models import Policy
from declarations.services.policies import policy_address_from_title, policy_create, policy_update
from declarations.tests.factories import PolicyFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_address_left_empty_is_made_from_the_title(policy_admin):
    policy = policy_create(by=policy_admin, title="IT, communications & social media policy")
    assert policy.slug == "it-communications-social-media-policy"
    assert AuditEvent.objects.get(verb="policy.created").changes["slug"] == policy.slug


def test_an_address_already_taken_gets_a_number(policy_admin):
    PolicyFactory(slug="social-media")
    second = policy_create(by=policy_admin, title="Social media")
    third = policy_create(by=policy_admin, title="Social Media!")
    assert (second.slug, third.slug) == ("social-media-2", "social-media-3")


def test_an_address_that_is_another_page_of_the_portal_is_never_made(policy_admin):
    # manage/policies/new/ is the page for a new policy: a policy there could not be reached.
    assert policy_create(by=policy_admin, title="New").slug == "new-2"


def test_a_title_with_no_letters_an_address_can_use_still_gets_one(policy_admin):
    assert policy_create(by=policy_admin, title="Политика").slug == "policy"


def test_a_long_title_makes_an_address_that_fits_even_with_its_number(policy_admin):
    title = "Acceptable use " * 12  # 180 characters: the most a title has is 200
    first = policy_create(by=policy_admin, title=title)
    second = policy_create(by=policy_admin, title=title)
    assert len(first.slug) <= 80
    assert len(second.slug) <= 80
    assert second.slug.endswith("-2")
    assert not second.slug.endswith("--2")


def test_the_address_of_a_policy_is_not_counted_as_taken_by_itself(policy_admin):
    policy = PolicyFactory(title="Social media", slug="social-media")
    assert policy_address_from_title("Social media", except_policy=policy) == "social-media"


def test_the_form_names_the_address_in_plain_words():
    form = PolicyForm()
    assert form.fields["slug"].label == "Page address (optional)"
    assert "Leave it empty to make it from the title" in form.fields["slug"].help_text
    assert "for example it-and-social-media-policy" in form.fields["slug"].help_text
    assert "slug" not in str(form).lower().replace('name="slug"', "").replace("id_slug", "")


@pytest.mark.parametrize("typed", ["it policy", "it_policy", "it--policy", "-it", "it/policy"])
def test_an_address_that_breaks_the_rule_is_refused_saying_what_to_do(policy_admin, typed):
    form = PolicyForm({"title": "IT policy", "slug": typed})
    assert not form.is_valid()
    assert form.errors["slug"] == [
        "Use only lower-case letters, numbers and hyphens in the page address, for example "
        "it-and-social-media-policy. Or leave it empty to make it from the title."
    ]


def test_capital_letters_and_spaces_around_the_address_are_forgiven():
    form = PolicyForm({"title": "IT policy", "slug": "  IT-Policy "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "it-policy"


def test_an_address_of_another_page_of_the_portal_is_refused():
    form = PolicyForm({"title": "New starters", "slug": "new"})
    assert not form.is_valid()
    assert "is the address of another page of the portal" in form.errors["slug"][0]


def test_an_address_another_policy_uses_is_refused_in_plain_words():
    PolicyFactory(slug="it-policy")
    form = PolicyForm({"title": "IT policy", "slug": "it-policy"})
    assert not form.is_valid()
    assert form.errors["slug"] == [
        "Another policy already uses this page address. Choose another, or leave it empty to "
        "make one from the title."
    ]


def test_an_administrator_creates_a_policy_without_typing_an_address(client, policy_admin):
    PolicyFactory(slug="social-media")
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:policy_create"), {"title": "Social media", "slug": ""}
    )
    policy = Policy.objects.get(title="Social media", slug="social-media-2")
    assert response.url == reverse("declarations:version_create", args=[policy.slug])


def test_the_edit_page_warns_that_changing_the_address_breaks_old_links(client, policy_admin):
    policy = PolicyFactory(slug="it-policy")
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:policy_edit", args=[policy.slug]))
    assert 'value="it-policy"' in page.text
    assert "Changing it breaks links to the old address" in page.text


def test_a_changed_address_is_saved_recorded_and_followed(client, policy_admin):
    policy = PolicyFactory(title="IT policy", slug="it-policy", owner=policy_admin)
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:policy_edit", args=[policy.slug]),
        {"title": "IT policy", "slug": "it-and-social-media", "owner": policy_admin.pk},
    )
    assert response.url == reverse("declarations:admin_policy", args=["it-and-social-media"])
    policy.refresh_from_db()
    assert policy.slug == "it-and-social-media"
    event = AuditEvent.objects.get(verb="policy.updated")
    assert event.changes["slug"] == {"from": "it-policy", "to": "it-and-social-media"}


def test_an_address_emptied_on_the_edit_page_is_made_again_from_the_title(policy_admin):
    policy = PolicyFactory(title="Old name", slug="old-name")
    policy_update(
        policy=policy, by=policy_admin, title="Social media", summary="", owner=None, slug=""
    )
    policy.refresh_from_db()
    assert policy.slug == "social-media"


def test_an_update_that_does_not_mention_the_address_keeps_it(policy_admin):
    policy = PolicyFactory(title="Old name", slug="old-name")
    policy_update(policy=policy, by=policy_admin, title="New name", summary="", owner=None)
    policy.refresh_from_db()
    assert policy.slug == "old-name"


def test_an_edit_page_with_mistakes_still_links_to_the_address_the_policy_has(client, policy_admin):
    policy = PolicyFactory(title="IT policy", slug="it-policy")
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:policy_edit", args=[policy.slug]), {"title": "", "slug": ""}
    )
    assert response.status_code == 200
    assert reverse("declarations:admin_policy", args=["it-policy"]) in response.text
    assert "Enter the policy&#x27;s title." in response.text
