"""The rates on a group's page and the DPO's overview: who sees what, and a fixed number of
queries however many groups, members and periods there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Hold
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    HoldFactory,
    HoldNoticeFactory,
    SubmissionFactory,
)
from groups.tests.page_cost import queries_for
from portal.roles import Role
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The group page's own queries: the group, its members, external members, submissions (4);
# the rates section: the rates and the persistent non-confirmers (2).
# The overview: two for each of five lists (rows and total), one for the non-confirmers (read
# whole: ranking them is the costly query), the holds' groups, the chart.
OVERVIEW_QUERIES = 13
# The DPO's role needs the second sign-in step: each page reads their authenticator once.
SECOND_STEP = 1


@pytest.fixture
def deputy_dpo(db):
    return UserFactory(full_name="Dee Deputy", roles=[Role.DEPUTY_DPO])


def history(group: ChatGroup, members, weeks: int, *, confirm=lambda week, person: True):
    """`weeks` prompted periods, the latest a week ago, each asking every one of `members`."""
    now = timezone.now()
    for week in range(weeks, 0, -1):
        cycle = ClearDownCycleFactory(
            group=group, opens_at=now - timedelta(weeks=week), prompt_posted_at=None
        )
        ClearDownPrompt.objects.bulk_create(
            ClearDownPrompt(
                cycle=cycle,
                user=person,
                confirmed_at=now - timedelta(weeks=week) if confirm(week, person) else None,
                confirmed_via="portal" if confirm(week, person) else "",
            )
            for person in members
        )


@pytest.fixture
def scene(alice, bob, charlie):
    """A group run by bob with alice and charlie as members; charlie never confirms."""
    group = ChatGroupFactory(approved=True, admin=bob, members=[alice, charlie], name="Desk")
    history(group, [alice, bob, charlie], 4, confirm=lambda week, person: person != charlie)
    return group


def test_the_admin_sees_every_members_rate_and_who_does_not_confirm(client, bob, scene):
    client.force_login(bob)

    page = client.get(reverse("groups:group", args=[scene.pk])).content.decode()

    assert "66%</strong> of the times they were asked (8 of 12)" in page
    assert "Charlie Outsider" in page
    assert "0% (0 of 4)" in page
    assert "Does not confirm" in page
    # The as-at record is the DPO's.
    assert reverse("groups:as_at", args=[scene.pk]) not in page


def test_a_member_sees_only_their_own_rate(client, charlie, scene):
    client.force_login(charlie)

    page = client.get(reverse("groups:group", args=[scene.pk])).content.decode()

    assert "You confirmed you cleared the chat <strong>0%</strong>" in page
    assert "Does not confirm" not in page
    assert "8 of 12" not in page


def test_the_dpo_sees_the_rates_and_a_link_to_the_record_as_at_a_date(client, dpo, scene):
    client.force_login(dpo)

    page = client.get(reverse("groups:group", args=[scene.pk])).content.decode()

    assert "Does not confirm" in page
    assert reverse("groups:as_at", args=[scene.pk]) in page


def test_an_application_never_approved_has_no_rates(client, alice):
    group = ChatGroupFactory(admin=alice)
    client.force_login(alice)

    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()

    assert "Clear-down confirmations" not in page


def test_the_rates_on_a_group_page_cost_the_same_whatever_its_size(client, bob):
    small = ChatGroupFactory(approved=True, admin=bob, members=UserFactory.create_batch(2))
    history(small, [bob], 2)
    many = UserFactory.create_batch(40)
    large = ChatGroupFactory(approved=True, admin=bob, members=many)
    history(large, [bob, *many], 30, confirm=lambda week, person: person.pk % 2 or week > 4)
    client.force_login(bob)

    small_cost = queries_for(client, reverse("groups:group", args=[small.pk]))
    assert queries_for(client, reverse("groups:group", args=[large.pk])) == small_cost
    page = client.get(reverse("groups:group", args=[large.pk]))
    rates = [context for template, context in page.context["main_sections"] if "rates" in context]
    assert rates[0]["rates"].persistent


def _register(count: int, dpo):
    """`count` groups in each state the overview lists, each with members who do not confirm
    and an admin who does not post, and as many open holds with notices."""
    now = timezone.now()
    for n in range(count):
        SubmissionFactory(group=ChatGroupFactory(status=ChatGroup.Status.SUBMITTED))
        ChatGroupFactory(approved=True, review_due_at=now - timedelta(days=n + 1))
        ChatGroupFactory(approved=True, needs_admin=True, deputy=UserFactory())
        people = UserFactory.create_batch(3)
        group = ChatGroupFactory(approved=True, members=people, name=f"Quiet {n}")
        history(group, people, 4, confirm=lambda week, person: False)
        hold = HoldFactory(groups=[group], placed_by=dpo)
        for index, person in enumerate(people):
            HoldNoticeFactory(hold=hold, user=person, acknowledged_at=now if index == 0 else None)


def test_the_overview_shows_what_needs_the_dpo(client, dpo):
    _register(1, dpo)
    client.force_login(dpo)

    answer = client.get(reverse("groups:overview"))
    page = answer.content.decode()

    for heading in (
        "Awaiting your decision (1)",
        "Reviews overdue (1)",
        "Admins not confirming the prompt (1)",
        "Groups needing an admin (1)",
        "Holds open (1)",
        "Members who do not confirm (3)",
    ):
        assert heading in page
    assert "1 of 3" in page  # one of three notices acknowledged
    assert "3 of 3" in page  # the three periods in the last four weeks, none posted
    group = ChatGroup.objects.get(name="Quiet 0")
    assert reverse("groups:group", args=[group.pk]) in page
    # Each list leads to where the DPO acts on it.
    waiting = ChatGroup.objects.get(status=ChatGroup.Status.SUBMITTED)
    needing = ChatGroup.objects.get(needs_admin=True)
    hold = Hold.objects.get()
    for url in (
        reverse("groups:decide", args=[waiting.pk]),
        reverse("groups:admin_change", args=[needing.pk]),
        reverse("groups:hold", args=[hold.pk]),
        reverse("groups:register"),
        reverse("groups:holds"),
    ):
        assert url in page
    assert answer.context["months"][-1].rate.asked + answer.context["months"][-2].rate.asked == 12


def test_the_overview_runs_a_fixed_number_of_queries_and_caps_its_lists(
    client, dpo, django_assert_num_queries
):
    _register(30, dpo)
    client.force_login(dpo)
    url = reverse("groups:overview")
    client.get(url)

    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + OVERVIEW_QUERIES):
        answer = client.get(url)

    assert len(answer.context["non_confirmers"]["rows"]) == 25
    assert answer.context["non_confirmers"]["total"] == 90
    assert "Showing 25 of 90" in answer.content.decode()


def test_the_deputy_dpo_may_read_the_overview(client, deputy_dpo):
    client.force_login(deputy_dpo)

    assert client.get(reverse("groups:overview")).status_code == 200


def test_the_overview_is_in_the_menu_of_the_dpo_only(client, dpo, alice):
    client.force_login(dpo)
    assert reverse("groups:overview") in client.get(reverse("groups:mine")).content.decode()
    client.force_login(alice)
    assert reverse("groups:overview") not in client.get(reverse("groups:mine")).content.decode()


def test_cycles_the_overview_ignores_do_not_appear(client, dpo):
    """A missed period and a withdrawn prompt are nobody's failure to confirm or post."""
    group = ChatGroupFactory(approved=True)
    now = timezone.now()
    ClearDownCycleFactory(group=group, opens_at=now - timedelta(weeks=2), outcome="missed")
    ClearDownCycleFactory(
        group=group,
        opens_at=now - timedelta(weeks=1),
        withdrawn_at=now - timedelta(days=6),
        hold=HoldFactory(groups=[group], released_at=now, release_reason="Answered"),
    )
    client.force_login(dpo)

    page = client.get(reverse("groups:overview")).content.decode()

    assert "Every admin confirmed posting their recent prompts." in page
    assert ClearDownCycle.objects.count() == 2
