"""An account's life: a new name, a hand-over to someone on the team, closure by the owner, and
the Chief Executive's orders. No path makes an account anyone's own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Account, Credential, Decision, HandOver, TeamMember
from socialmedia.services.leavers import account_owner_assign
from socialmedia.services.lifecycle import (
    account_close,
    account_order_closure,
    account_reinstate,
    account_rename,
    account_suspend,
    handover_answer,
    handover_propose,
    handover_withdraw,
)
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob], name="Westshire OPCC", handle="@Old")
    CredentialFactory(account=account)
    return account


def test_a_new_name_is_recorded_and_the_chief_executive_told(account, alice, chief_executive):
    account_rename(account=account, name="Westshire Commissioner", handle="@Old", by=alice)

    account.refresh_from_db()
    assert account.name == "Westshire Commissioner"
    event = AuditEvent.objects.get(verb=SocialEvent.RENAMED)
    assert event.changes == {"name": {"from": "Westshire OPCC", "to": "Westshire Commissioner"}}
    told = Notification.objects.get(recipient=chief_executive)
    assert "Account name: Westshire OPCC → Westshire Commissioner" in told.body_text


def test_a_rename_that_changes_nothing_is_refused(account, alice):
    with pytest.raises(ValidationError, match="nothing changed"):
        account_rename(account=account, name="Westshire OPCC", handle="@Old", by=alice)


def test_only_the_owner_renames(account, bob, chief_executive):
    for person in (bob, chief_executive):
        with pytest.raises(PermissionDenied):
            account_rename(account=account, name="X", handle="@X", by=person)


def test_the_chief_executive_mailbox_is_told_when_nobody_holds_the_role(account, alice):
    settings = OrganisationSettings.load()
    settings.chief_executive_email = "ce.office@example.org"
    settings.save()
    account_rename(account=account, name="New", handle="@Old", by=alice)
    assert Notification.objects.filter(to_email="ce.office@example.org").exists()


# ---- Hand-over ----------------------------------------------------------------------------


def test_a_hand_over_accepted_makes_the_team_member_the_owner(account, alice, bob, chief_executive):
    offer = handover_propose(account=account, to_owner=bob, note="Moving to HR", by=alice)
    assert Notification.objects.filter(recipient=bob, subject__contains="handing").exists()
    assert Notification.objects.filter(recipient=chief_executive).count() == 1

    handover_answer(handover=offer, accept=True, by=bob)

    account.refresh_from_db()
    assert account.owner == bob
    offer.refresh_from_db()
    assert offer.outcome == HandOver.Outcome.ACCEPTED
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_ACCEPTED)
    assert event.changes["owner"] == {"from": alice.email, "to": bob.email}
    assert Notification.objects.filter(recipient=alice, subject__contains="accepted").exists()
    assert Notification.objects.filter(
        recipient=chief_executive, subject__contains="owner changed"
    ).exists()


def test_a_declined_hand_over_leaves_the_owner(account, alice, bob):
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    handover_answer(handover=offer, accept=False, by=bob)
    account.refresh_from_db()
    assert account.owner == alice
    assert Notification.objects.filter(recipient=alice, subject__contains="declined").exists()


def test_nobody_but_the_person_offered_answers(account, alice, bob, chief_executive):
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    for person in (alice, chief_executive):
        with pytest.raises(PermissionDenied):
            handover_answer(handover=offer, accept=True, by=person)


def test_an_account_is_never_handed_to_someone_off_the_team(account, alice, charlie):
    with pytest.raises(ValidationError, match="not on this account's team"):
        handover_propose(account=account, to_owner=charlie, note="", by=alice)
    assert not HandOver.objects.exists()


def test_an_account_is_never_handed_to_someone_who_left(account, alice, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(ValidationError, match="no longer works here"):
        handover_propose(account=account, to_owner=bob, note="", by=alice)


def test_only_one_hand_over_waits_at_a_time(account, alice, bob):
    handover_propose(account=account, to_owner=bob, note="", by=alice)
    with pytest.raises(ValidationError, match="already waiting"):
        handover_propose(account=account, to_owner=bob, note="", by=alice)
    # And the database holds it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        HandOver.objects.create(
            account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
        )


def test_the_owner_withdraws_an_offer(account, alice, bob):
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    handover_withdraw(handover=offer, by=alice)
    with pytest.raises(ValidationError, match="already been answered"):
        handover_answer(handover=offer, accept=True, by=bob)
    assert Account.objects.get(pk=account.pk).owner == alice
    # On the record, and bob is told there is nothing left to answer.
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_WITHDRAWN)
    assert event.changes["why"] == f"{alice.full_name} took the offer back"
    told = Notification.objects.get(recipient=bob, subject__icontains="withdrawn")
    assert "took the offer back" in told.body_text


def test_accepting_after_being_taken_off_the_team_is_refused(account, alice, bob):
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    # Taken off by hand (the service would also withdraw the offer).
    account.team.filter(user=bob).update(removed_at=account.opened_at, removed_by=alice)
    with pytest.raises(ValidationError, match="no longer on this account's team"):
        handover_answer(handover=offer, accept=True, by=bob)


# ---- Closure -----------------------------------------------------------------------------


def test_the_owner_closes_the_account_and_the_record_is_kept(account, alice, chief_executive):
    account_close(account=account, reason="Campaign over", deleted_on_platform=True, by=alice)

    account.refresh_from_db()
    assert account.status == Account.Status.CLOSED
    assert (account.closed_by, account.closed_reason) == (alice, "Campaign over")
    assert account.deleted_on_platform
    assert Credential.objects.filter(account=account).exists()
    assert AuditEvent.objects.get(verb=SocialEvent.CLOSED).changes["deleted_on_platform"]
    assert Notification.objects.filter(recipient=chief_executive, subject__contains="closed")


def test_closing_needs_the_confirmation_that_it_was_deleted(account, alice):
    with pytest.raises(ValidationError, match="Delete the account on the platform first"):
        account_close(account=account, reason="Over", deleted_on_platform=False, by=alice)
    assert Account.objects.get(pk=account.pk).status == Account.Status.ACTIVE


def test_a_team_member_cannot_close_it(account, bob):
    with pytest.raises(PermissionDenied):
        account_close(account=account, reason="Over", deleted_on_platform=True, by=bob)


# ---- The Chief Executive's orders --------------------------------------------------------


def test_suspending_sends_the_reason_to_the_owner_and_lifting_it_too(account, alice, ce_delegate):
    account_suspend(account=account, reason="No link to the website", by=ce_delegate)
    account.refresh_from_db()
    assert account.status == Account.Status.SUSPENDED
    assert account.suspended_reason == "No link to the website"
    decision = Decision.objects.get(outcome=Decision.Outcome.SUSPENDED)
    assert decision.as_delegate
    message = Notification.objects.get(recipient=alice)
    assert "No link to the website" in message.body_text
    assert "suspended" in message.subject

    account_reinstate(account=account, reason="Link added", by=ce_delegate)
    account.refresh_from_db()
    assert account.status == Account.Status.ACTIVE
    assert account.suspended_at is None
    assert AuditEvent.objects.filter(verb=SocialEvent.REINSTATED).exists()


def test_a_closure_order_tells_the_owner_and_the_page_says_close_it_now(
    client, account, alice, chief_executive
):
    # Without an order on record the decider may not close it outright.
    with pytest.raises(ValidationError, match="Order the account closed first"):
        account_close(account=account, reason="Mine", deleted_on_platform=True, by=chief_executive)
    assert Account.objects.get(pk=account.pk).status == Account.Status.ACTIVE
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:close", args=[account.pk]) not in page

    account_order_closure(account=account, reason="Not used for a year", by=chief_executive)
    decision = Decision.objects.get(outcome=Decision.Outcome.CLOSURE_ORDERED)
    assert not decision.as_delegate
    assert "Not used for a year" in Notification.objects.get(recipient=alice).body_text
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "ordered this account closed" in page
    assert reverse("socialmedia:close", args=[account.pk]) in page
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:close", args=[account.pk]) in page
    # Once it is ordered closed, the decider may close it too, with the same confirmation.
    account_close(account=account, reason="Ordered", deleted_on_platform=True, by=chief_executive)
    assert Account.objects.get(pk=account.pk).closed_by == chief_executive


def test_a_superuser_without_the_role_gives_no_orders(account):
    boss = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        account_suspend(account=account, reason="No", by=boss)


def test_nobody_gives_orders_about_their_own_account(bob, chief_executive):
    own = AccountFactory(applicant=chief_executive, team=[bob])
    with pytest.raises(ValidationError, match="own account"):
        account_order_closure(account=own, reason="Mine", by=chief_executive)


def _owner_is_on_the_team(account) -> bool:
    account.refresh_from_db()
    return TeamMember.objects.current().filter(account=account, user=account.owner).exists()


def _three_targets(account, alice):
    """Someone never on the team, a team member who left, one taken off the team."""
    outsider = UserFactory()
    gone = UserFactory()
    off = UserFactory()
    for person in (gone, off):
        TeamMember.objects.create(
            account=account, user=person, added_at=account.opened_at, added_by=alice
        )
    gone.is_active = False
    gone.save()
    account.team.filter(user=off).update(removed_at=account.opened_at, removed_by=alice)
    return {"outsider": outsider, "gone": gone, "off": off}


def test_an_account_changes_owner_only_to_an_active_member_of_its_team(
    account, alice, bob, chief_executive
):
    """Every service that changes Account.owner (accepting a hand-over; the Chief Executive
    naming a new owner after a leaver) refuses anyone not currently on the team or no longer
    working here, so an account never becomes someone's own; and after each change the owner
    is on the team."""
    targets = _three_targets(account, alice)
    for who, person in targets.items():
        offer = HandOver.objects.create(
            account=account, from_owner=alice, to_owner=person, proposed_at=account.opened_at
        )
        with pytest.raises(ValidationError):
            handover_answer(handover=offer, accept=True, by=person)
        assert Account.objects.get(pk=account.pk).owner == alice, who
        HandOver.objects.filter(pk=offer.pk).update(
            answered_at=account.opened_at, outcome=HandOver.Outcome.WITHDRAWN
        )
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    handover_answer(handover=offer, accept=True, by=bob)
    assert _owner_is_on_the_team(account)
    assert account.owner == bob

    # The owner leaves: the Chief Executive names the next one, from the team only.
    bob.is_active = False
    bob.save()
    charlie = UserFactory()
    TeamMember.objects.create(
        account=account, user=charlie, added_at=account.opened_at, added_by=alice
    )
    for who, person in targets.items():
        with pytest.raises(ValidationError):
            account_owner_assign(account=account, new_owner=person, by=chief_executive)
        assert Account.objects.get(pk=account.pk).owner == bob, who
    account_owner_assign(account=account, new_owner=charlie, by=chief_executive)
    assert _owner_is_on_the_team(account)
    assert account.owner == charlie


# ---- The pages ---------------------------------------------------------------------------


def test_the_owner_offers_the_account_on_its_page_and_bob_accepts(client, account, alice, bob):
    client.force_login(alice)
    url = reverse("socialmedia:handover", args=[account.pk])
    assert "Bob Manager" in client.get(url).content.decode()
    assert client.post(url, {"to_owner": bob.pk, "note": "Over to you"}).status_code == 302

    client.force_login(bob)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "is handing this account to you" in page
    answer = reverse("socialmedia:handover_answer", args=[account.pk])
    assert client.post(answer, {"answer": "accept"}).status_code == 302
    assert Account.objects.get(pk=account.pk).owner == bob


def test_an_offer_to_someone_off_the_team_is_not_a_choice_on_the_form(
    client, account, alice, charlie
):
    client.force_login(alice)
    url = reverse("socialmedia:handover", args=[account.pk])
    response = client.post(url, {"to_owner": charlie.pk, "note": ""})
    assert response.status_code == 400
    assert not HandOver.objects.exists()


def test_the_close_form_asks_for_the_confirmation(client, account, alice):
    client.force_login(alice)
    url = reverse("socialmedia:close", args=[account.pk])
    response = client.post(url, {"reason": "Campaign over"})
    assert response.status_code == 400
    assert "Delete the account on the platform first, then tick the box." in (
        response.content.decode()
    )
    assert "Campaign over" in response.content.decode()


def test_the_actions_list_differs_for_owner_and_decider(client, account, alice, chief_executive):
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:rename", args=[account.pk]) in page
    assert reverse("socialmedia:suspend", args=[account.pk]) not in page
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:suspend", args=[account.pk]) in page
    assert reverse("socialmedia:rename", args=[account.pk]) not in page


def test_closing_withdraws_an_open_offer_and_tells_its_person(account, alice, bob):
    offer = handover_propose(account=account, to_owner=bob, note="", by=alice)
    account_close(account=account, reason="Over", deleted_on_platform=True, by=alice)
    offer.refresh_from_db()
    assert offer.outcome == HandOver.Outcome.WITHDRAWN
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_WITHDRAWN)
    assert event.changes == {
        "handover": offer.pk,
        "proposed_owner": bob.email,
        "why": "the account closed",
    }
    told = Notification.objects.get(recipient=bob, subject__contains="withdrawn")
    assert "the account closed" in told.body_text


def test_an_account_ordered_closed_is_neither_suspended_nor_lifted(account, chief_executive):
    account_order_closure(account=account, reason="Not used", by=chief_executive)
    with pytest.raises(ValidationError, match="ordered closed"):
        account_suspend(account=account, reason="No link", by=chief_executive)
    assert Account.objects.get(pk=account.pk).status == Account.Status.ACTIVE

    suspended = AccountFactory(applicant=account.owner, status=Account.Status.SUSPENDED)
    account_order_closure(account=suspended, reason="Not used", by=chief_executive)
    with pytest.raises(ValidationError, match="ordered closed"):
        account_reinstate(account=suspended, reason="Fixed", by=chief_executive)
    assert Account.objects.get(pk=suspended.pk).status == Account.Status.SUSPENDED


def test_a_later_order_does_not_hide_a_closure_order(client, account, alice, chief_executive):
    account_order_closure(account=account, reason="Not used for a year", by=chief_executive)
    # A suspension recorded after it (as the refused path once allowed).
    Decision.objects.create(
        account=account,
        outcome=Decision.Outcome.SUSPENDED,
        reason="No link",
        decided_by=chief_executive,
        decided_at=account.opened_at.replace(year=account.opened_at.year + 50),
    )
    with pytest.raises(ValidationError, match="already been ordered closed"):
        account_order_closure(account=account, reason="Again", by=chief_executive)
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "ordered this account closed" in page
    assert "Not used for a year" in page


def test_a_decider_closes_an_account_whose_owner_left(client, account, alice, chief_executive):
    alice.is_active = False
    alice.save()
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:close", args=[account.pk]) in page
    account_close(
        account=account, reason="Nobody runs it", deleted_on_platform=True, by=chief_executive
    )
    assert Account.objects.get(pk=account.pk).closed_by == chief_executive


def test_an_order_about_an_account_whose_owner_left_goes_to_the_chief_executive(
    client, account, alice, chief_executive, ce_delegate
):
    alice.is_active = False
    alice.save()
    client.force_login(ce_delegate)
    response = client.post(
        reverse("socialmedia:suspend", args=[account.pk]), {"reason": "No link"}, follow=True
    )
    told = Notification.objects.get(recipient=chief_executive)
    assert "No link" in told.body_text
    assert "Alice Staff, its owner, has left" in told.body_text
    page = response.content.decode()
    assert "The owner has been sent the reason" not in page
    assert "Alice Staff, its owner, has left the organisation" in page
