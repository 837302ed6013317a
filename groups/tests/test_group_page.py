"""A group's page, with every part's section on it, runs a fixed number of queries however
many members, periods, holds and submissions the group has. (Each part also shows its own
section's cost does not grow: see page_cost.py.)"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import ClearDownPrompt
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ExternalMemberFactory,
    HoldFactory,
    HoldNoticeFactory,
    SubmissionFactory,
)
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The group and its people, members, people from outside and submissions, then what each
# section needs (status and actions, holds and the viewer's notice, what the viewer owes, the
# membership summary, the periods and their prompts, whether a hold stops the next period,
# the rates).
ADMIN_VIEW = 15
# A member is not shown the group's rates, only their own.
MEMBER_VIEW = 14
# The DPO sees what the admin sees, passes the second step of sign-in, and is asked whether
# they have a part in the group (then another DPO acts on it).
DPO_VIEW = 17


def _busy_group(admin, member, size=40):
    """A group with `size` more members, 5 from outside, 3 submissions, 2 open holds with
    notices, and 30 weekly periods with every member asked."""
    people = UserFactory.create_batch(size)
    group = ChatGroupFactory(approved=True, admin=admin, members=[member, *people])
    ExternalMemberFactory.create_batch(5, group=group)
    SubmissionFactory.create_batch(
        2, group=group, outcome="changes_asked", decided_at=timezone.now()
    )
    for hold in HoldFactory.create_batch(2, groups=[group]):
        for person in (admin, member, *people[:10]):
            HoldNoticeFactory(hold=hold, user=person)
    now = timezone.now()
    for week in range(30, 0, -1):
        cycle = ClearDownCycleFactory(group=group, opens_at=now - timedelta(weeks=week, hours=-1))
        ClearDownPrompt.objects.bulk_create(
            ClearDownPrompt(
                cycle=cycle,
                user=person,
                confirmed_at=cycle.opens_at if week % 3 else None,
                confirmed_via="portal" if week % 3 else "",
            )
            for person in (admin, member, *people)
        )
    return group


@pytest.mark.parametrize(
    ("viewer", "queries"),
    [("admin", ADMIN_VIEW), ("member", MEMBER_VIEW), ("dpo", DPO_VIEW)],
)
def test_a_busy_group_page_runs_a_fixed_number_of_queries(
    client, bob, alice, dpo, django_assert_num_queries, viewer, queries
):
    group = _busy_group(admin=bob, member=alice)
    client.force_login({"admin": bob, "member": alice, "dpo": dpo}[viewer])
    url = reverse("groups:group", args=[group.pk])
    client.get(url)

    with django_assert_num_queries(LAYOUT_QUERIES + queries):
        page = client.get(url)

    assert page.status_code == 200


def test_a_group_with_a_few_of_everything_costs_what_a_busy_one_does(
    client, bob, alice, django_assert_num_queries
):
    group = _busy_group(admin=bob, member=alice, size=1)
    client.force_login(bob)
    url = reverse("groups:group", args=[group.pk])
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + ADMIN_VIEW):
        client.get(url)
