"""The membership, rules, new admin, review and concern pages: what each shows and does, and a
fixed number of queries whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import ChatGroup, Concern, Membership
from groups.services.membership import membership_add
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    ConcernFactory,
    ExternalMemberFactory,
    MembershipFactory,
)
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice):
    return ChatGroupFactory(approved=True, admin=alice)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_admin_adds_a_member_and_the_page_lists_them_awaiting_acknowledgement(
    client, alice, group
):
    newcomer = UserFactory(full_name="Nia Newcomer")
    client.force_login(alice)
    answer = client.post(reverse("groups:members_add", args=[group.pk]), {"people": newcomer.email})
    assert answer.status_code == 302
    page = _text(client.get(reverse("groups:members", args=[group.pk])))
    assert "Added to the group: Nia Newcomer." in page
    assert "Nia Newcomer" in page
    assert "Not yet acknowledged" in page


def test_adding_someone_already_in_the_group_says_so_and_keeps_what_was_typed(
    client, alice, bob, group
):
    membership_add(group=group, users=[bob], by=alice)
    client.force_login(alice)
    answer = client.post(reverse("groups:members_add", args=[group.pk]), {"people": bob.email})
    assert answer.status_code == 400
    page = _text(answer)
    assert "Bob Manager is already in this group." in page
    assert bob.email in page


def test_a_member_of_staff_nobody_knows_is_refused_with_what_to_fix(client, alice, group):
    client.force_login(alice)
    answer = client.post(
        reverse("groups:members_add", args=[group.pk]), {"people": "nobody@example.org"}
    )
    assert answer.status_code == 400
    assert "Nobody in the portal has the email address" in _text(answer)


def test_adding_past_the_size_limit_tells_the_admin_to_ask_the_dpo(client, alice, group):
    from django.core.cache import cache

    from portal.models import OrganisationSettings

    org = OrganisationSettings.load()
    org.chat_group_size_limit = 2
    org.save()
    cache.clear()
    people = UserFactory.create_batch(2)
    client.force_login(alice)
    answer = client.post(
        reverse("groups:members_add", args=[group.pk]),
        {"people": "\n".join(p.email for p in people)},
    )
    assert answer.status_code == 400
    assert "Ask the DPO to approve a larger group" in _text(answer)


def test_removing_a_member_needs_a_reason_and_the_tick_and_keeps_the_reason_typed(
    client, alice, bob, group
):
    [membership] = membership_add(group=group, users=[bob], by=alice)
    client.force_login(alice)
    url = reverse("groups:member_remove", args=[membership.pk])
    answer = client.post(url, {"reason": "Moved to finance"})
    assert answer.status_code == 400
    assert "Take them out of the chat itself first" in _text(answer)
    assert "Moved to finance" in _text(answer)

    assert client.post(url, {"reason": "Moved to finance", "chat_removed": "on"}).status_code == 302
    page = _text(client.get(reverse("groups:members", args=[group.pk])))
    assert "Moved to finance" in page


def test_the_admin_confirms_a_leaver_is_out_of_the_chat(client, alice, bob, group):
    gone = MembershipFactory(
        group=group, user=bob, removed_at=timezone.now(), removal_reason="left the organisation"
    )
    client.force_login(alice)
    page = _text(client.get(reverse("groups:members", args=[group.pk])))
    assert "I have removed them from the chat" in page
    client.post(reverse("groups:member_chat_removed", args=[gone.pk]))
    gone.refresh_from_db()
    assert gone.chat_removal_confirmed_by == alice


def test_the_members_page_runs_a_fixed_number_of_queries_with_many_members(
    client, alice, group, django_assert_num_queries
):
    for _ in range(40):
        MembershipFactory(group=group, rules_sent_at=timezone.now())
    for _ in range(30):
        MembershipFactory(group=group, removed_at=timezone.now(), removed_by=alice)
    for _ in range(5):
        ExternalMemberFactory(group=group)
    client.force_login(alice)
    url = reverse("groups:members", args=[group.pk])
    client.get(url)
    # The group; the current members; the removed ones; the people from outside now; the
    # latest people from outside removed.
    with django_assert_num_queries(LAYOUT_QUERIES + 5):
        assert client.get(url).status_code == 200


def test_the_members_page_lists_only_the_latest_people_from_outside_removed(
    client, alice, group, monkeypatch
):
    from groups.views import members

    monkeypatch.setattr(members, "REMOVED_SHOWN", 3)
    for n in range(5):
        ExternalMemberFactory(group=group, name=f"Gone {n}", removed_at=timezone.now())
    ExternalMemberFactory(group=group, name="Still here")
    client.force_login(alice)
    page = _text(client.get(reverse("groups:members", args=[group.pk])))
    assert "Still here" in page
    assert sum(f"Gone {n}" in page for n in range(5)) == 3
    assert "latest removals only" in page


def test_a_new_member_acknowledges_the_rules_once_and_is_then_told_when(client, alice, bob, group):
    membership_add(group=group, users=[bob], by=alice)
    client.force_login(bob)
    url = reverse("groups:rules", args=[group.pk])
    assert group.never_post in _text(client.get(url))
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"understood": "on"}).status_code == 302
    page = _text(client.get(url))
    assert "You acknowledged these rules on" in page
    again = client.post(url, {"understood": "on"}, follow=True)
    assert "already acknowledged this group&#x27;s rules, on" in _text(again)


def test_the_dpo_names_a_new_admin_for_a_group_that_needs_one(client, dpo, bob):
    group = ChatGroupFactory(approved=True, needs_admin=True)
    client.force_login(dpo)
    url = reverse("groups:admin_change", args=[group.pk])
    assert "Needs an admin" in _text(client.get(url))
    assert client.post(url, {"new_admin": bob.email}).status_code == 302
    group.refresh_from_db()
    assert group.admin == bob
    assert not group.needs_admin


def test_the_review_page_records_a_review_and_links_to_closing_or_the_dpo(client, alice, group):
    ChatGroup.objects.filter(pk=group.pk).update(review_due_at=timezone.now() - timedelta(days=1))
    client.force_login(alice)
    url = reverse("groups:review", args=[group.pk])
    page = _text(client.get(url))
    assert "Overdue" in page
    assert "close it instead" in page or "ask the data protection officer to close it" in page
    answer = client.post(url, {"purpose_holds": "on"})
    assert answer.status_code == 400
    assert client.post(url, {"purpose_holds": "on", "membership_right": "on"}).status_code == 302
    group.refresh_from_db()
    assert group.review_due_at > timezone.now()


def test_the_group_page_shows_the_admin_manage_members_and_a_review_due(client, alice, group):
    ChatGroup.objects.filter(pk=group.pk).update(review_due_at=timezone.now() + timedelta(days=3))
    client.force_login(alice)
    page = _text(client.get(reverse("groups:group", args=[group.pk])))
    assert "Manage members" in page
    assert "The group's review is due by" in page
    assert "Report a concern about this group" in page
    # The sections are in the page, not in its title.
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Membership" not in title


def test_a_member_sees_a_concern_button_and_the_rules_to_acknowledge_but_no_manage_link(
    client, alice, bob, group
):
    membership_add(group=group, users=[bob], by=alice)
    client.force_login(bob)
    page = _text(client.get(reverse("groups:group", args=[group.pk])))
    assert "Manage members" not in page
    assert "Report a concern about this group" in page
    assert "You have not yet acknowledged this group's purpose and rules" in page


def test_a_concern_raised_from_a_group_page_is_confirmed_to_its_reporter_only(
    client, alice, charlie, dpo, group
):
    client.force_login(alice)
    answer = client.post(
        reverse("groups:concern_about_group", args=[group.pk]),
        {"kind": "wrong_member", "details": "Someone from another force is in it."},
    )
    concern = Concern.objects.get()
    assert answer.url == reverse("groups:concern_received", args=[concern.pk])
    assert "Your concern was received" in _text(client.get(answer.url))
    client.force_login(charlie)
    assert client.get(answer.url).status_code == 404


def test_a_concern_form_missing_details_says_what_to_fix_and_keeps_the_name(client, alice):
    client.force_login(alice)
    answer = client.post(
        reverse("groups:concern_unlisted"), {"group_described": "Night shift", "kind": "other"}
    )
    assert answer.status_code == 400
    assert "Night shift" in _text(answer)
    assert "There is a problem" in _text(answer)


def test_the_dpos_list_shows_open_concerns_first_in_a_fixed_number_of_queries(
    client, dpo, django_assert_num_queries
):
    for _ in range(60):
        ConcernFactory()
    resolved = ConcernFactory(
        action_taken="Dealt with.", resolved_by=dpo, resolved_at=timezone.now()
    )
    client.force_login(dpo)
    url = reverse("groups:concerns")
    client.get(url)
    # The DPO's second-factor device (the role needs one), the open count, and one page of
    # concerns with their groups and reporters.
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 50
    assert resolved not in first.context["page"].object_list
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        second = client.get(url, {"cursor": first.context["page"].next_cursor})
    assert len(second.context["page"].object_list) == 10
    dealt = client.get(url, {"show": "dealt_with"})
    assert list(dealt.context["page"].object_list) == [resolved]


def test_the_dpo_records_what_was_done_about_a_concern(client, dpo):
    concern = ConcernFactory()
    client.force_login(dpo)
    url = reverse("groups:concern", args=[concern.pk])
    assert client.post(url, {"action_taken": ""}).status_code == 400
    assert client.post(url, {"action_taken": "Photo deleted."}).status_code == 302
    concern.refresh_from_db()
    assert concern.resolved_by == dpo


def _owing(person, bob, groups: int) -> ChatGroup:
    """`groups` groups bob runs with `person` in them, each with rules and a clear-down owed,
    and one group `person` runs with a review due and leavers to take out of the chat."""
    for _ in range(groups):
        group = ChatGroupFactory(approved=True, admin=bob, members=[person])
        Membership.objects.filter(group=group, user=person).update(rules_acknowledged_at=None)
        ClearDownPromptFactory(cycle=ClearDownCycleFactory(group=group), user=person)
    ran = ChatGroupFactory(
        approved=True, admin=person, review_due_at=timezone.now() + timedelta(days=2)
    )
    for _ in range(groups):
        MembershipFactory(group=ran, removed_at=timezone.now())
    return ran


def _dashboard_queries(client, person) -> tuple[int, str]:
    client.force_login(person)
    client.get(reverse("portal:dashboard"))
    with CaptureQueriesContext(connection) as seen:
        page = _text(client.get(reverse("portal:dashboard")))
    return len(seen), page


def test_the_dashboard_panel_lists_groups_and_what_is_owed_in_a_fixed_number_of_queries(
    client, alice, bob, charlie
):
    ran = _owing(alice, bob, groups=12)
    _owing(charlie, bob, groups=1)

    many, page = _dashboard_queries(client, alice)
    one, _ = _dashboard_queries(client, charlie)

    assert many == one
    assert page.count("Acknowledge the rules of") == 12
    assert page.count("Confirm you cleared") == 12
    assert page.count("out of the chat") == 12
    assert f"Review {ran.name}" in page


def test_the_dashboard_has_no_chat_groups_panel_for_someone_in_none(client, charlie):
    client.force_login(charlie)
    assert 'id="chat-groups-panel"' not in client.get(reverse("portal:dashboard")).content.decode()


def test_a_persons_record_page_lists_their_current_and_past_groups(client, sysadmin, alice, bob):
    now = timezone.now()
    current = ChatGroupFactory(approved=True, admin=bob, members=[alice])
    past = ChatGroupFactory(approved=True, admin=bob)
    MembershipFactory(
        group=past, user=alice, removed_at=now, removal_reason="left the organisation"
    )
    client.force_login(sysadmin)
    page = _text(client.get(reverse("portal:person", args=[alice.pk])))
    assert current.name in page
    assert past.name in page
    assert "left the organisation" in page
