"""Leavers, through portal's user_deactivate itself: off every account team in its transaction;
a new password due on each running account they were on the team of and on each whose password
they were shown; an account they owned flagged for the Chief Executive, who names a new owner
from its team."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent, Notification
from portal.services.users import user_deactivate
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Account, HandOver, Reveal, TeamMember
from socialmedia.outbox import needs_owner_key
from socialmedia.services.leavers import LEFT_THE_ORGANISATION, account_owner_assign
from socialmedia.tests.factories import AccountFactory, CredentialFactory, RevealFactory

pytestmark = pytest.mark.django_db


def test_a_leaver_on_two_teams_leaves_both_and_both_passwords_are_due(
    alice, bob, charlie, sysadmin, chief_executive
):
    first = AccountFactory(applicant=alice, team=[bob, charlie])
    second = AccountFactory(applicant=charlie, team=[bob])

    assert user_deactivate(user=bob, by=sysadmin, reason="Resigned")

    for account in (first, second):
        row = TeamMember.objects.get(account=account, user=bob)
        assert (row.removed_by, row.removal_reason) == (sysadmin, LEFT_THE_ORGANISATION)
        account.refresh_from_db()
        assert account.rotation_due_since is not None
        assert "Bob Manager, on the team, left the organisation" in account.rotation_due_reason
    assert AuditEvent.objects.filter(verb=SocialEvent.LEAVER_REMOVED).count() == 2
    assert (
        Notification.objects.filter(
            recipient=chief_executive, subject__startswith="A new password is due"
        ).count()
        == 2
    )


def test_an_account_whose_password_the_leaver_saw_is_due_even_off_the_team(
    alice, bob, chief_executive
):
    seen = AccountFactory(applicant=alice, team=[bob])
    CredentialFactory(account=seen)
    reveal_by = UserFactory(full_name="Della Delegate")
    RevealFactory(account=seen, by=reveal_by)
    refused = AccountFactory(applicant=alice, team=[bob])
    RevealFactory(
        account=refused, by=reveal_by, outcome=Reveal.Outcome.REFUSED, refusal="Wrong password"
    )

    user_deactivate(user=reveal_by, by=None, reason="Left")

    seen.refresh_from_db()
    refused.refresh_from_db()
    assert "who was shown the password, left" in seen.rotation_due_reason
    # Refused: they never saw it.
    assert refused.rotation_due_since is None


def test_an_owner_who_leaves_leaves_the_account_to_the_chief_executive(
    client, alice, bob, chief_executive
):
    account = AccountFactory(applicant=alice, team=[bob])

    user_deactivate(user=alice, by=None, reason="Retired")

    message = Notification.objects.get(
        dedup_key=needs_owner_key(account.pk, alice.pk, chief_executive)
    )
    assert "Alice Staff" in message.body_text
    assert message.url == reverse("socialmedia:owner_assign", args=[account.pk])
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "This account needs a new owner" in page
    client.force_login(bob)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "The Chief Executive will name a new owner" in page


def test_the_chief_executive_names_a_new_owner_from_the_team(client, alice, bob, chief_executive):
    account = AccountFactory(applicant=alice, team=[bob])
    user_deactivate(user=alice, by=None, reason="Retired")
    client.force_login(chief_executive)
    url = reverse("socialmedia:owner_assign", args=[account.pk])
    assert "Bob Manager" in client.get(url).content.decode()

    response = client.post(url, {"new_owner": bob.pk})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == bob
    event = AuditEvent.objects.get(verb=SocialEvent.OWNER_ASSIGNED)
    assert event.changes == {"owner": {"from": alice.email, "to": bob.email}}
    assert Notification.objects.filter(recipient=bob, subject__startswith="You now own").exists()
    assert Notification.objects.filter(
        recipient=chief_executive, subject__contains="owner changed"
    ).exists()


def test_no_owner_is_named_from_outside_the_team(alice, bob, charlie, chief_executive):
    account = AccountFactory(applicant=alice, team=[bob])
    user_deactivate(user=alice, by=None, reason="Retired")
    account.refresh_from_db()
    with pytest.raises(ValidationError, match="not on this account's team"):
        account_owner_assign(account=account, new_owner=charlie, by=chief_executive)
    assert Account.objects.get(pk=account.pk).owner == alice


def test_an_owner_still_here_is_not_replaced_by_the_chief_executive(alice, bob, chief_executive):
    account = AccountFactory(applicant=alice, team=[bob])
    with pytest.raises(ValidationError, match="still works here"):
        account_owner_assign(account=account, new_owner=bob, by=chief_executive)


def test_only_a_decider_names_a_new_owner(alice, bob, sysadmin):
    account = AccountFactory(applicant=alice, team=[bob])
    user_deactivate(user=alice, by=None, reason="Retired")
    sysadmin.is_superuser = True
    with pytest.raises(PermissionDenied):
        account_owner_assign(account=account, new_owner=bob, by=sysadmin)


def test_an_offer_to_the_leaver_is_withdrawn(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    offer = HandOver.objects.create(
        account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
    )
    user_deactivate(user=bob, by=None, reason="Left")
    offer.refresh_from_db()
    assert offer.outcome == HandOver.Outcome.WITHDRAWN


def test_a_closed_account_is_not_due_a_password(alice, bob):
    closed = AccountFactory(applicant=alice, team=[bob], status=Account.Status.CLOSED)
    user_deactivate(user=bob, by=None, reason="Left")
    closed.refresh_from_db()
    assert closed.rotation_due_since is None
    # Still off its team: the list of who has access is right even for a closed account.
    assert not TeamMember.objects.current().filter(account=closed, user=bob).exists()


def test_the_leaver_hook_costs_the_same_queries_however_many_accounts(
    alice, chief_executive, django_assert_num_queries
):
    def leaver_with(count: int):
        person = UserFactory()
        AccountFactory(applicant=person, team=[alice])
        for _ in range(count):
            AccountFactory(applicant=alice, team=[person])
            RevealFactory(account=AccountFactory(applicant=alice), by=person)
        return person

    warm, few, many = leaver_with(1), leaver_with(1), leaver_with(8)
    user_deactivate(user=warm, by=None, reason="Left")
    with CaptureQueriesContext(connection) as one:
        user_deactivate(user=few, by=None, reason="Left")
    with django_assert_num_queries(len(one)):
        user_deactivate(user=many, by=None, reason="Left")


def test_the_leaver_hook_locks_the_accounts_before_their_team_rows_and_hand_overs(alice, bob):
    """team_member_remove and handover_answer lock the account first, then its team row or
    hand-over: the leaver hook must take the same order, or the two deadlock."""
    on_team = AccountFactory(applicant=alice, team=[bob])
    seen = AccountFactory(applicant=alice)
    RevealFactory(account=seen, by=bob)
    HandOver.objects.create(
        account=on_team, from_owner=alice, to_owner=bob, proposed_at=on_team.opened_at
    )

    with CaptureQueriesContext(connection) as queries:
        user_deactivate(user=bob, by=None, reason="Left")

    sql = [q["sql"] for q in queries]

    def first(test) -> int:
        return next(i for i, s in enumerate(sql) if test(s))

    def acts_on(statement: str, table: str) -> bool:
        # The table a statement updates or locks (a subquery may name others).
        if statement.startswith("UPDATE "):
            return statement.startswith(f'UPDATE "{table}"')
        return "FOR UPDATE" in statement and statement.split(" FROM ", 1)[1].startswith(
            f'"{table}"'
        )

    account_lock = first(lambda s: acts_on(s, "socialmedia_account"))
    team_touched = first(lambda s: acts_on(s, "socialmedia_teammember"))
    handover_touched = first(lambda s: s.startswith('UPDATE "socialmedia_handover"'))
    assert account_lock < team_touched < handover_touched
    # The team rows are locked alone, never the people they name (user_deactivate holds the
    # leaver's row).
    assert 'FOR UPDATE OF "socialmedia_teammember"' in sql[team_touched]
    # Only rows still current are ended.
    leaver_update = first(lambda s: s.startswith('UPDATE "socialmedia_teammember"'))
    assert '"removed_at" IS NULL' in sql[leaver_update]
    assert Account.objects.get(pk=seen.pk).rotation_due_since is not None


def test_an_offer_withdrawn_when_its_person_leaves_is_recorded_but_not_sent(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    offer = HandOver.objects.create(
        account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
    )
    user_deactivate(user=bob, by=None, reason="Left")
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_WITHDRAWN)
    assert event.changes == {
        "handover": offer.pk,
        "proposed_owner": bob.email,
        "why": "left the organisation",
    }
    assert not Notification.objects.filter(recipient=bob).exists()


def test_naming_a_new_owner_withdraws_an_open_offer_and_tells_its_person(
    alice, bob, charlie, chief_executive
):
    account = AccountFactory(applicant=alice, team=[bob, charlie])
    offer = HandOver.objects.create(
        account=account, from_owner=alice, to_owner=charlie, proposed_at=account.opened_at
    )
    user_deactivate(user=alice, by=None, reason="Retired")
    account_owner_assign(account=account, new_owner=bob, by=chief_executive)
    offer.refresh_from_db()
    assert offer.outcome == HandOver.Outcome.WITHDRAWN
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_WITHDRAWN)
    assert event.changes["why"] == "a new owner was named"
    told = Notification.objects.get(recipient=charlie, subject__contains="withdrawn")
    assert "a new owner was named" in told.body_text


def test_the_chief_executive_is_not_told_a_departed_owner_will_change_the_password(
    alice, bob, chief_executive
):
    AccountFactory(applicant=alice, team=[bob])
    user_deactivate(user=alice, by=None, reason="Retired")
    told = Notification.objects.get(
        recipient=chief_executive, subject__startswith="A new password is due"
    )
    assert "has been asked to change it" not in told.body_text
    assert "Alice Staff, has left the organisation" in told.body_text
    assert "name a new owner" in told.body_text
    assert "has been asked to change it" not in told.body_html
