"""Confirming a clear-down: from the emailed link (GET shows a button, POST records), with the
portal's button, and the prompter's "I posted the prompt"; refused links record nothing; a held
group's link explains the hold."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.cleardown_links import cleardown_link_path
from groups.events import GroupEvent
from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt
from groups.selectors import cleardowns_owed_by
from groups.services.cleardown_holds import cycles_withdraw_for_hold
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    HoldFactory,
)
from groups.tests.page_cost import queries_for
from portal.models import AuditEvent
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, members=[alice, bob])


@pytest.fixture
def cycle(group):
    return ClearDownCycleFactory(group=group)


@pytest.fixture
def prompt(cycle, alice):
    ClearDownPromptFactory(cycle=cycle, user=cycle.group.admin)
    return ClearDownPromptFactory(cycle=cycle, user=alice)


def link(prompt: ClearDownPrompt) -> str:
    return cleardown_link_path(cycle_id=prompt.cycle_id, user_id=prompt.user_id)


def unchanged(prompt: ClearDownPrompt) -> bool:
    prompt.refresh_from_db()
    return (
        prompt.confirmed_at is None
        and not AuditEvent.objects.filter(verb=GroupEvent.CLEARED).exists()
    )


def test_opening_the_link_shows_a_button_and_records_nothing(client, prompt):
    response = client.get(link(prompt))

    assert response.status_code == 200
    assert b"I have cleared the chat" in response.content
    assert b"business record" in response.content
    assert reverse("groups:cleardown_guide").encode() in response.content
    assert unchanged(prompt)
    assert "no-store" in response["Cache-Control"]


def test_pressing_the_button_records_the_clear_down_without_signing_in(client, prompt):
    response = client.post(link(prompt))

    assert response.status_code == 200
    assert b"Thank you" in response.content
    prompt.refresh_from_db()
    assert prompt.confirmed_at is not None
    assert prompt.confirmed_via == ClearDownPrompt.Via.EMAIL_LINK
    [event] = AuditEvent.objects.filter(verb=GroupEvent.CLEARED)
    assert event.actor == prompt.user
    assert event.changes["cycle"] == prompt.cycle_id


def test_the_person_signed_in_can_use_their_own_link(client, prompt, alice):
    client.force_login(alice)

    assert client.post(link(prompt)).status_code == 200

    prompt.refresh_from_db()
    assert prompt.confirmed_at is not None


def test_a_tampered_link_is_refused_and_records_nothing(client, prompt):
    path = link(prompt)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    response = client.post(forged)

    assert response.status_code == 403
    assert b"not valid" in response.content
    assert unchanged(prompt)


def test_a_link_for_one_person_does_not_work_for_another_by_changing_the_address(
    client, prompt, group
):
    other = ClearDownPrompt.objects.get(cycle=prompt.cycle, user=group.admin)
    path = link(prompt).replace(f"/{prompt.user_id}/", f"/{other.user_id}/")

    response = client.post(path)

    assert response.status_code == 403
    assert unchanged(prompt)
    assert unchanged(other)


def test_someone_elses_link_is_refused_to_a_person_signed_in(client, prompt, bob):
    client.force_login(bob)

    response = client.post(link(prompt))

    assert response.status_code == 403
    assert b"sent to someone else" in response.content
    assert unchanged(prompt)


def test_an_expired_link_is_refused_and_records_nothing(client, prompt):
    path = link(prompt)
    ClearDownCycle.objects.filter(pk=prompt.cycle_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.post(path)

    assert response.status_code == 410
    assert b"expired" in response.content
    assert unchanged(prompt)


def test_a_reused_link_says_when_it_was_used_and_records_nothing_new(client, prompt):
    client.post(link(prompt))
    prompt.refresh_from_db()
    first = prompt.confirmed_at

    response = client.post(link(prompt))

    assert response.status_code == 200
    assert b"already confirmed" in response.content
    prompt.refresh_from_db()
    assert prompt.confirmed_at == first
    assert AuditEvent.objects.filter(verb=GroupEvent.CLEARED).count() == 1


def test_the_link_of_a_group_under_a_hold_explains_the_hold_and_records_nothing(
    client, prompt, group
):
    hold = HoldFactory(groups=[group], reference="FOI-2026-0099")

    response = client.post(link(prompt))

    assert response.status_code == 200
    assert b"Do not delete anything" in response.content
    assert b"FOI-2026-0099" in response.content
    assert b"I have cleared the chat" not in response.content
    assert unchanged(prompt)
    assert hold.released_at is None


def test_placing_a_hold_withdraws_the_open_prompt_and_its_link_then_explains_it(
    client, prompt, group, cycle
):
    everyone_confirmed = ClearDownCycleFactory(
        group=group, opens_at=cycle.opens_at - timedelta(days=7)
    )
    closed = ClearDownCycleFactory(group=group, opens_at=cycle.opens_at - timedelta(days=14))
    ClearDownPromptFactory(cycle=closed, user=prompt.user)
    ClearDownPromptFactory(
        cycle=everyone_confirmed,
        user=prompt.user,
        confirmed_at=timezone.now(),
        confirmed_via="portal",
    )
    hold = HoldFactory(groups=[group])

    withdrawn = cycles_withdraw_for_hold(hold=hold, groups=[group])

    assert withdrawn == [cycle.pk]
    cycle.refresh_from_db()
    assert cycle.hold == hold
    assert cycle.withdrawn_at is not None
    assert cycles_withdraw_for_hold(hold=hold, groups=[group]) == []
    # Released afterwards, the withdrawn period's link says so, and still records nothing.
    hold.released_at, hold.release_reason = timezone.now(), "Answered."
    hold.save()
    response = client.post(link(prompt))
    page = response.content.decode()
    assert f"withdrawn under the hold {hold.get_kind_display().lower()} {hold.reference}" in page
    assert "released on" in page
    assert "asked again at the next clear-down" in page
    assert "Do not delete anything" not in page
    assert "I have cleared the chat" not in page
    assert unchanged(prompt)
    assert AuditEvent.objects.filter(verb=GroupEvent.CYCLES_WITHDRAWN).count() == 1


def test_a_period_withdrawn_under_a_released_hold_still_warns_while_another_hold_is_open(
    client, prompt, group, cycle
):
    first = HoldFactory(groups=[group], reference="FOI-2026-0001")
    cycles_withdraw_for_hold(hold=first, groups=[group])
    first.released_at, first.release_reason = timezone.now(), "Answered."
    first.save()
    HoldFactory(groups=[group], reference="SAR-2026-0002")

    response = client.post(link(prompt))

    assert b"Do not delete anything" in response.content
    assert b"SAR-2026-0002" in response.content
    assert unchanged(prompt)


def test_confirming_in_the_portal_after_the_hold_was_released_says_when_and_records_nothing(
    client, prompt, group
):
    hold = HoldFactory(groups=[group], reference="FOI-2026-0003")
    cycles_withdraw_for_hold(hold=hold, groups=[group])
    hold.released_at, hold.release_reason = timezone.now(), "Answered."
    hold.save()
    client.force_login(prompt.user)

    response = client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]), follow=True)

    page = response.content.decode()
    assert "withdrawn under the hold" in page
    assert "asked again at the next clear-down" in page
    assert unchanged(prompt)


def test_a_bad_link_for_a_cycle_that_does_not_exist_is_refused(client, alice):
    response = client.get(
        reverse("groups:cleardown_link", args=[999999, alice.pk, "nonsense:token"])
    )
    assert response.status_code == 403


def test_the_link_of_someone_who_has_left_the_organisation_records_nothing(client, prompt, alice):
    alice.is_active = False
    alice.save()

    for response in (client.get(link(prompt)), client.post(link(prompt))):
        assert response.status_code == 403
        assert b"no longer active" in response.content
        assert b"I have cleared the chat" not in response.content
    assert unchanged(prompt)


def test_the_link_of_someone_removed_from_the_group_records_nothing(client, prompt, alice, group):
    group.memberships.filter(user=alice).update(removed_at=timezone.now())

    response = client.post(link(prompt))

    assert response.status_code == 403
    assert f"no longer a member of {group.name}".encode() in response.content
    assert unchanged(prompt)


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_a_suspended_or_closed_groups_period_cannot_be_confirmed(client, prompt, group, status):
    ChatGroup.objects.filter(pk=group.pk).update(status=status)

    response = client.post(link(prompt))

    assert response.status_code == 403
    assert f"group is {status}".encode() in response.content
    assert unchanged(prompt)
    client.force_login(prompt.user)
    client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]))
    assert unchanged(prompt)
    client.force_login(group.admin)
    client.post(reverse("groups:cleardown_posted", args=[prompt.cycle_id]))
    assert ClearDownCycle.objects.get(pk=prompt.cycle_id).prompt_posted_at is None


def test_someone_removed_from_the_group_owes_it_nothing_and_cannot_confirm_in_the_portal(
    client, prompt, alice, group
):
    group.memberships.filter(user=alice).update(removed_at=timezone.now())
    assert cleardowns_owed_by(alice, timezone.now())["prompts"] == []

    client.force_login(alice)
    response = client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]), follow=True)

    assert "no longer a member" in response.content.decode()
    assert unchanged(prompt)


# --- The next period, on the group's page ------------------------------------------------


def _history(client, group) -> str:
    client.force_login(group.admin)
    return client.get(reverse("groups:group", args=[group.pk])).content.decode()


def test_an_approved_group_under_no_hold_says_when_its_next_period_opens(client, cycle, group):
    ChatGroup.objects.filter(pk=group.pk).update(next_cycle_at=cycle.closes_at)

    assert "The next period opens on" in _history(client, group)


@pytest.mark.parametrize(
    ("status", "why"),
    [
        ("suspended", "No clear-down period will open while the group is suspended."),
        ("closed", "The group is closed: no more clear-down periods will open."),
    ],
)
def test_a_suspended_or_closed_group_says_no_period_will_open(client, cycle, group, status, why):
    ChatGroup.objects.filter(pk=group.pk).update(status=status, next_cycle_at=cycle.closes_at)

    page = _history(client, group)

    assert "The next period opens on" not in page
    assert why in page


def test_a_group_under_an_open_hold_says_no_period_will_open_while_it_is_open(client, cycle, group):
    ChatGroup.objects.filter(pk=group.pk).update(next_cycle_at=cycle.closes_at)
    hold = HoldFactory(groups=[group], reference="SAR-2026-0042")

    page = _history(client, group)

    assert "The next period opens on" not in page
    assert "No clear-down period will open while the hold" in page
    assert hold.reference in page


# --- The portal's buttons -------------------------------------------------------------------


def test_a_member_confirms_with_the_button_on_their_clear_downs_page(client, prompt, alice):
    client.force_login(alice)
    page = client.get(reverse("groups:cleardowns_owed"))
    assert prompt.cycle.group.name in page.content.decode()

    response = client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]), {"back": "owed"})

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:cleardowns_owed")
    prompt.refresh_from_db()
    assert prompt.confirmed_via == ClearDownPrompt.Via.PORTAL
    page = client.get(reverse("groups:cleardowns_owed"))
    assert "no chat to clear" in page.content.decode()


def test_the_group_page_offers_the_button_and_then_shows_who_confirmed(
    client, prompt, alice, group
):
    client.force_login(alice)
    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert reverse("groups:cleardown_confirm", args=[prompt.pk]) in page

    client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]))

    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert reverse("groups:cleardown_confirm", args=[prompt.pk]) not in page
    assert "1 of 2" in page
    assert alice.full_name in page


def test_a_member_cannot_confirm_someone_elses_prompt(client, prompt, bob):
    client.force_login(bob)

    response = client.post(reverse("groups:cleardown_confirm", args=[prompt.pk]))

    assert response.status_code == 404
    assert unchanged(prompt)


def test_the_admin_confirms_posting_the_prompt_once(client, cycle, group):
    client.force_login(group.admin)

    client.post(reverse("groups:cleardown_posted", args=[cycle.pk]))
    cycle.refresh_from_db()
    first = cycle.prompt_posted_at
    response = client.post(reverse("groups:cleardown_posted", args=[cycle.pk]), follow=True)

    assert first is not None
    cycle.refresh_from_db()
    assert cycle.prompt_posted_at == first
    assert "already confirmed as posted" in response.content.decode()
    assert AuditEvent.objects.filter(verb=GroupEvent.PROMPT_POSTED).count() == 1


def test_a_member_who_does_not_run_the_group_cannot_confirm_the_prompt_posted(client, cycle, alice):
    client.force_login(alice)

    assert client.post(reverse("groups:cleardown_posted", args=[cycle.pk])).status_code == 403


def test_the_guide_shows_whatsapp_and_signal_step_by_step(client, alice):
    client.force_login(alice)

    page = client.get(reverse("groups:cleardown_guide")).content.decode()

    assert "On WhatsApp" in page
    assert "On Signal" in page
    assert "business record" in page


# --- The group page's history --------------------------------------------------------------


def test_the_history_names_missed_periods_and_holds_and_shows_non_confirmers_to_the_admin(
    client, group, alice, bob
):
    now = timezone.now()
    hold = HoldFactory(reference="SAR-2026-0007")
    hold.released_at, hold.release_reason = now, "Answered."
    hold.save()
    ClearDownCycleFactory(
        group=group,
        opens_at=now - timedelta(days=21),
        outcome="missed",
        cause="The portal's scheduler did not run between A and B.",
    )
    ClearDownCycleFactory(
        group=group,
        opens_at=now - timedelta(days=14),
        outcome="skipped",
        hold=hold,
        cause="Nobody was asked.",
    )
    current = ClearDownCycleFactory(group=group)
    ClearDownPromptFactory(cycle=current, user=alice)
    ClearDownPromptFactory(cycle=current, user=bob, confirmed_at=now, confirmed_via="portal")

    client.force_login(group.admin)
    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert "scheduler did not run" in page
    assert "SAR-2026-0007" in page
    assert "Not yet confirmed (1)" in page

    client.force_login(alice)
    page = client.get(reverse("groups:group", args=[group.pk])).content.decode()
    assert "Not yet confirmed" not in page


def test_the_group_page_costs_the_same_queries_with_many_periods_and_members(client, group):
    current = ClearDownCycleFactory(group=group)
    ClearDownPromptFactory(cycle=current, user=group.admin)
    client.force_login(group.admin)
    path = reverse("groups:group", args=[group.pk])
    one_period = queries_for(client, path)

    people = [UserFactory() for _ in range(15)]
    for weeks in range(1, 30):
        old = ClearDownCycleFactory(
            group=group, opens_at=timezone.now() - timedelta(days=7 * weeks)
        )
        ClearDownPrompt.objects.bulk_create(
            ClearDownPrompt(cycle=old, user=p, confirmed_at=timezone.now(), confirmed_via="portal")
            for p in people
        )
    ClearDownPrompt.objects.bulk_create(ClearDownPrompt(cycle=current, user=p) for p in people)

    assert queries_for(client, path) == one_period
    assert "The latest 12 periods are shown." in client.get(path).content.decode()


def test_links_made_in_bulk_are_the_links_made_one_by_one(prompt):
    from groups.cleardown_links import cleardown_link_paths

    [bulk] = cleardown_link_paths(cycle_id=prompt.cycle_id, user_ids=[prompt.user_id]).values()

    assert bulk.rsplit("/", 2)[0] == link(prompt).rsplit("/", 2)[0]
    assert (
        reverse("groups:cleardown_link", args=[prompt.cycle_id, prompt.user_id, "t"])[:-2] in bulk
    )


def test_a_member_sees_how_many_confirmed_and_their_own_not_who_else(
    client, group, cycle, prompt, alice
):
    charlie = UserFactory(full_name="Charlie Colleague")
    ClearDownPromptFactory(
        cycle=cycle, user=charlie, confirmed_at=timezone.now(), confirmed_via="portal"
    )
    path = reverse("groups:group", args=[group.pk])

    client.force_login(alice)
    member_view = client.get(path).content.decode()
    assert "1 of 3" in member_view  # the admin, alice and charlie were asked
    assert "You have not confirmed." in member_view
    assert "Charlie Colleague" not in member_view

    client.force_login(group.admin)
    admin_view = client.get(path).content.decode()
    assert "Charlie Colleague" in admin_view
    assert "Not yet confirmed (2)" in admin_view
