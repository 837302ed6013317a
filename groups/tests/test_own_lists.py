"""A person's own lists, "My chat groups" and "Clear-downs I owe", run a fixed number of
queries however many groups and periods the person has."""

import pytest
from django.urls import reverse

from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
)
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The person's groups with their member counts.
MY_GROUPS = 1
# The prompts they owe and the prompts they are to post, each with its group.
OWED = 2


def _groups(person, count: int) -> None:
    """`count` groups the person is in, each with a period open that they owe, and as many
    they run with a prompt still to post."""
    for _ in range(count):
        group = ChatGroupFactory(approved=True, members=[person, *UserFactory.create_batch(3)])
        ClearDownPromptFactory(cycle=ClearDownCycleFactory(group=group), user=person)
        run = ChatGroupFactory(approved=True, admin=person)
        ClearDownCycleFactory(group=run, prompter=person, prompt_posted_at=None)


@pytest.mark.parametrize(("url_name", "queries"), [("mine", MY_GROUPS), ("cleardowns_owed", OWED)])
def test_a_persons_own_list_costs_the_same_with_one_group_as_with_twenty(
    client, alice, django_assert_num_queries, url_name, queries
):
    url = reverse(f"groups:{url_name}")
    client.force_login(alice)
    _groups(alice, 1)
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + queries):
        client.get(url)
    _groups(alice, 19)
    with django_assert_num_queries(LAYOUT_QUERIES + queries):
        page = client.get(url)
    assert page.status_code == 200
    # Every group is on the page (each in both lists links to its group's page).
    last = alice.chat_groups_run.order_by("-pk").first()
    assert reverse("groups:group", args=[last.pk]) in page.text
