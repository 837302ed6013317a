"""Comparing two versions of a policy: the words that changed, for staff and administrators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.compare import compare_html
from declarations.models import Campaign
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.models import OrganisationSettings
from portal.testing.queries import LAYOUT_QUERIES

pytestmark = pytest.mark.django_db

OLD = """## Scope

This policy applies to all members of staff.

## Passwords

Never write your password down.

Lock your screen when you leave your desk.

## Social media

Do not post about operations.
"""

NEW = """## Scope

This policy applies to all members of staff and contractors.

## Passwords

Never write your password down.

Lock your screen when you leave your desk.

## Social media

Ask the Chief Executive before opening a corporate account.
"""


def _versions(policy=None, **new):
    policy = policy or PolicyFactory(slug="it", title="IT policy")
    today = timezone.localdate()
    old = PolicyVersionFactory(
        policy=policy,
        label="4.0",
        body_markdown=OLD,
        published=True,
        effective_date=today - timedelta(days=400),
        published_at=timezone.now() - timedelta(days=400),
    )
    newer = PolicyVersionFactory(
        policy=policy,
        label="5.0",
        body_markdown=NEW,
        published=True,
        effective_date=today - timedelta(days=1),
        **new,
    )
    return old, newer


def test_a_changed_paragraph_shows_the_words_added_in_place():
    comparison = compare_html(
        "<p>All members of staff must read it.</p>",
        "<p>All members of staff and contractors must read it.</p>",
    )
    (block,) = comparison.blocks
    assert block.change == "changed"
    added = [s.text for s in block.segments if s.mark == "added"]
    assert [text.strip() for text in added] == ["and contractors"]
    assert not [s for s in block.segments if s.mark == "removed"]


def test_words_added_to_a_sentence_are_marked_as_added_and_the_rest_kept():
    comparison = compare_html("<p>Lock your screen.</p>", "<p>Always lock your screen.</p>")
    marks = [(s.mark, s.text) for s in comparison.blocks[0].segments]
    assert ("added", "Always lock") in marks or ("added", "Always ") in marks
    assert "".join(t for m, t in marks if m != "removed") == "Always lock your screen."
    assert "".join(t for m, t in marks if m != "added") == "Lock your screen."


def test_a_paragraph_with_nothing_in_common_is_shown_as_removed_and_added_not_mixed():
    comparison = compare_html(
        "<p>Do not post about operations.</p>",
        "<p>Ask the Chief Executive before opening a corporate account.</p>",
    )
    assert [b.change for b in comparison.blocks] == ["removed", "added"]


def test_a_new_list_item_is_added_and_a_dropped_one_removed():
    comparison = compare_html(
        "<ul><li>Email</li><li>Fax</li></ul>", "<ul><li>Email</li><li>Teams</li><li>Phone</li></ul>"
    )
    changes = [(b.change, b.segments[0].text) for b in comparison.blocks]
    assert changes[0] == ("same", "Email")
    assert ("removed", "Fax") in changes
    assert ("added", "Phone") in changes


def test_the_same_text_has_no_changes():
    assert not compare_html("<p>Same.</p>", "<p>Same.</p>").has_changes


def test_the_short_view_keeps_one_unchanged_part_either_side_and_counts_the_rest():
    old = "".join(f"<p>Paragraph {n} stays as it is.</p>" for n in range(10))
    new = old.replace("Paragraph 5 stays", "Paragraph 5 now reads differently and stays")
    shown = compare_html(old, new).short()
    assert [getattr(item, "count", None) for item in shown] == [4, None, None, None, 3]


def test_staff_see_what_changed_between_the_version_in_effect_and_the_one_before(client, alice):
    old, new = _versions(summary_of_changes="Contractors now included.")
    client.force_login(alice)
    response = client.get(reverse("declarations:version_compare", args=[new.pk]))
    assert response.status_code == 200
    page = response.text
    assert "What changed from version 4.0" in page
    assert "to version 5.0" in page
    assert "and contractors" in page
    assert "<ins>" in page
    assert "<del>" in page
    assert "Contractors now included." in page
    assert "1 part changed, 1 added, 1 removed" in page
    # Unchanged passwords section is left out of the short view, and counted.
    assert "Lock your screen" not in page
    assert "unchanged part" in page


def test_the_whole_text_can_be_shown_with_the_changes_marked(client, alice):
    old, new = _versions()
    client.force_login(alice)
    url = reverse("declarations:version_compare", args=[new.pk])
    page = client.get(url, {"with": old.pk, "show": "all"}).text
    assert "Lock your screen when you leave your desk." in page
    assert "Show only the changes" in page


def test_the_older_version_may_be_compared_with_the_newer_in_either_order(client, alice):
    old, new = _versions()
    client.force_login(alice)
    response = client.get(reverse("declarations:version_compare", args=[old.pk]))
    assert response.context["older"] == old
    assert response.context["newer"] == new


def test_staff_cannot_compare_with_a_draft_and_do_not_learn_it_exists(client, alice):
    old, new = _versions()
    draft = PolicyVersionFactory(policy=old.policy, label="6.0")
    client.force_login(alice)
    url = reverse("declarations:version_compare", args=[new.pk])
    assert client.get(url, {"with": draft.pk}).status_code == 404
    assert client.get(reverse("declarations:version_compare", args=[draft.pk])).status_code == 404
    assert "6.0" not in client.get(url).text


@pytest.mark.parametrize("chosen", ["²", "٣", "9" * 5000, "-1", "1.0"])
def test_a_version_to_compare_with_that_is_no_id_compares_with_the_one_before(
    client, alice, chosen
):
    old, new = _versions()
    client.force_login(alice)
    url = reverse("declarations:version_compare", args=[new.pk])
    response = client.get(url, {"with": chosen})
    assert response.status_code == 200
    assert response.context["older"] == old


def test_a_version_of_another_policy_cannot_be_compared(client, alice):
    old, new = _versions()
    other = PolicyVersionFactory(published=True)
    client.force_login(alice)
    url = reverse("declarations:version_compare", args=[new.pk])
    assert client.get(url, {"with": other.pk}).status_code == 404


def test_a_policy_administrator_compares_a_draft_with_the_version_in_effect(client, policy_admin):
    old, new = _versions()
    draft = PolicyVersionFactory(
        policy=old.policy, label="6.0", body_markdown=NEW.replace("contractors", "volunteers")
    )
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:version_compare", args=[draft.pk]))
    assert response.context["older"] == new
    assert "a draft not yet published" in response.text
    assert "volunteers" in response.text


def test_the_only_version_says_there_is_nothing_to_compare(client, alice):
    only = PolicyVersionFactory(published=True)
    client.force_login(alice)
    page = client.get(reverse("declarations:version_compare", args=[only.pk])).text
    assert "nothing to compare it with yet" in page


def test_identical_versions_say_so(client, alice):
    old, new = _versions()
    same = PolicyVersionFactory(policy=old.policy, label="5.1", body_markdown=NEW, published=True)
    client.force_login(alice)
    url = reverse("declarations:version_compare", args=[same.pk])
    assert "The text of the two versions is the same." in client.get(url, {"with": new.pk}).text


def test_the_version_page_links_to_the_comparison(client, alice):
    old, new = _versions()
    client.force_login(alice)
    compare = reverse("declarations:version_compare", args=[new.pk])
    assert compare in client.get(reverse("declarations:version", args=[new.pk])).text
    # An earlier version points to what changed since.
    assert (
        f"{compare}?with={old.pk}"
        in client.get(reverse("declarations:version", args=[old.pk])).text
    )


def test_the_comparison_runs_a_fixed_number_of_queries_however_many_versions(
    client, alice, django_assert_num_queries
):
    old, new = _versions()
    for n in range(30):
        PolicyVersionFactory(policy=old.policy, label=f"3.{n}", published=True)
    OrganisationSettings.load()
    client.force_login(alice)
    # + the version, the other versions to choose from, the one compared
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        response = client.get(reverse("declarations:version_compare", args=[new.pk]))
    assert len(response.context["choices"]) == 31


def test_the_signing_page_of_a_re_sign_links_each_version_to_what_changed(client, alice):
    old, new = _versions(material_change=True)
    campaign = CampaignFactory(open=True, versions=[new], kind=Campaign.Kind.RESIGN)
    obligation = ObligationFactory(campaign=campaign, user=alice)
    client.force_login(alice)
    page = client.get(reverse("declarations:sign", args=[obligation.pk])).text
    assert reverse("declarations:version_compare", args=[new.pk]) in page


def test_the_signing_page_of_an_annual_declaration_has_no_such_link(client, alice):
    old, new = _versions()
    campaign = CampaignFactory(open=True, versions=[new])
    obligation = ObligationFactory(campaign=campaign, user=alice)
    client.force_login(alice)
    page = client.get(reverse("declarations:sign", args=[obligation.pk])).text
    assert reverse("declarations:version_compare", args=[new.pk]) not in page
