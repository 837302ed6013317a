"""The team of an account: adding and taking people off marks the password due in the same
transaction; the owner stays; an open account keeps two people; the page lists who and when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Account, HandOver, TeamMember
from socialmedia.services.rotation_due import mark_rotation_due
from socialmedia.services.team import team_member_add, team_member_remove
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    CredentialFactory(account=account)
    return account


def _member(account, user) -> TeamMember:
    return TeamMember.objects.current().get(account=account, user=user)


def test_adding_a_colleague_marks_the_password_due_and_tells_owner_and_chief_executive(
    account, alice, charlie, chief_executive
):
    team_member_add(account=account, user=charlie, by=alice)

    account.refresh_from_db()
    assert account.rotation_due_since is not None
    assert "Charlie Outsider joined the team" in account.rotation_due_reason
    assert _member(account, charlie).added_by == alice
    assert AuditEvent.objects.filter(verb=SocialEvent.TEAM_MEMBER_ADDED).count() == 1
    assert AuditEvent.objects.filter(verb=SocialEvent.ROTATION_DUE).count() == 1
    told = set(
        Notification.objects.filter(subject__startswith="A new password is due").values_list(
            "to_email", flat=True
        )
    )
    assert told == {alice.email, chief_executive.email}


def test_taking_someone_off_marks_the_password_due_in_the_same_transaction(
    account, alice, bob, charlie
):
    team_member_add(account=account, user=charlie, by=alice)
    first_due = Account.objects.get(pk=account.pk).rotation_due_since

    team_member_remove(member=_member(account, bob), by=alice, reason="Moved to finance")

    account.refresh_from_db()
    # Already due: the first instant is kept, the reasons add up.
    assert account.rotation_due_since == first_due
    assert "Bob Manager was taken off the team" in account.rotation_due_reason
    row = TeamMember.objects.get(account=account, user=bob)
    assert (row.removed_by, row.removal_reason) == (alice, "Moved to finance")
    event = AuditEvent.objects.get(verb=SocialEvent.TEAM_MEMBER_REMOVED)
    assert event.changes == {"member": bob.email, "reason": "Moved to finance"}


def test_a_failed_removal_leaves_no_mark(account, alice, bob, monkeypatch):
    import socialmedia.services.team as team

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(team, "mark_rotation_due", broken)
    charlie = UserFactory()
    TeamMember.objects.create(
        account=account, user=charlie, added_at=account.opened_at, added_by=alice
    )
    with pytest.raises(RuntimeError):
        team_member_remove(member=_member(account, charlie), by=alice, reason="Left the team")
    assert _member(account, charlie).removed_at is None
    assert not AuditEvent.objects.filter(verb=SocialEvent.TEAM_MEMBER_REMOVED).exists()


def test_the_owner_cannot_be_taken_off_the_team(account, alice, chief_executive):
    with pytest.raises(ValidationError, match="hand the account over"):
        team_member_remove(member=_member(account, alice), by=chief_executive, reason="Gone")


def test_an_open_account_keeps_two_people(account, alice, bob):
    with pytest.raises(ValidationError, match="add someone first"):
        team_member_remove(member=_member(account, bob), by=alice, reason="Moved")
    assert _member(account, bob).removed_at is None


def test_someone_already_on_the_team_is_not_added_twice(account, alice, bob):
    with pytest.raises(ValidationError, match="already on the team"):
        team_member_add(account=account, user=bob, by=alice)


def test_a_leaver_cannot_be_added(account, alice):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer works here"):
        team_member_add(account=account, user=gone, by=alice)


def test_only_the_owner_or_a_decider_changes_the_team(account, bob, charlie, ce_delegate):
    with pytest.raises(PermissionDenied):
        team_member_add(account=account, user=charlie, by=bob)
    team_member_add(account=account, user=charlie, by=ce_delegate)
    assert _member(account, charlie).added_by == ce_delegate


def test_the_team_of_an_approved_account_changes_without_a_password_due(alice, charlie):
    approved = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
    team_member_add(account=approved, user=charlie, by=alice)
    approved.refresh_from_db()
    # Not open yet: no password is in use to change.
    assert approved.rotation_due_since is None
    assert not AuditEvent.objects.filter(verb=SocialEvent.ROTATION_DUE).exists()


def test_a_closed_or_refused_account_keeps_its_team(alice, charlie):
    closed = AccountFactory(applicant=alice, status=Account.Status.CLOSED)
    with pytest.raises(ValidationError, match="approved, active or suspended"):
        team_member_add(account=closed, user=charlie, by=alice)


def test_taking_off_the_person_offered_the_account_withdraws_the_offer(account, alice, bob):
    charlie = UserFactory()
    team_member_add(account=account, user=charlie, by=alice)
    offer = HandOver.objects.create(
        account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
    )
    team_member_remove(member=_member(account, bob), by=alice, reason="Moved")
    offer.refresh_from_db()
    assert offer.outcome == HandOver.Outcome.WITHDRAWN


def test_the_reason_is_cut_to_the_field_and_no_secret_is_written(alice, chief_executive):
    accounts = [AccountFactory(applicant=alice) for _ in range(2)]
    for account in accounts:
        CredentialFactory(account=account, password="Sekret-Never-Shown-99")
    for n in range(12):
        mark_rotation_due(accounts, reason=f"Reason number {n} " * 3, at=accounts[0].opened_at)
    for account in accounts:
        account.refresh_from_db()
        assert len(account.rotation_due_reason) == 300
    for body in Notification.objects.values_list("body_text", flat=True):
        assert "Sekret-Never-Shown-99" not in body
    assert "Sekret" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_marking_many_accounts_costs_the_same_as_marking_one(
    alice, chief_executive, django_assert_num_queries
):
    one = [AccountFactory(applicant=alice)]
    many = [AccountFactory(applicant=alice) for _ in range(10)]
    mark_rotation_due([AccountFactory(applicant=alice)], reason="warm", at=one[0].opened_at)
    with CaptureQueriesContext(connection) as few:
        mark_rotation_due(one, reason="The team changed", at=one[0].opened_at)
    with django_assert_num_queries(len(few)):
        mark_rotation_due(many, reason="The team changed", at=many[0].opened_at)


# ---- The page ---------------------------------------------------------------------------


def test_the_owner_adds_a_colleague_by_work_email(client, account, alice, charlie):
    client.force_login(alice)
    response = client.post(
        reverse("socialmedia:team_add", args=[account.pk]), {"person": charlie.email}
    )
    assert response.status_code == 302
    page = client.get(reverse("socialmedia:team", args=[account.pk]))
    assert page["Cache-Control"].startswith("max-age=0")
    assert "A new password is due" in page.content.decode()
    assert "Charlie Outsider joined the team" in page.content.decode()


def test_adding_someone_already_on_the_team_says_so_on_the_form(client, account, alice, bob):
    client.force_login(alice)
    response = client.post(
        reverse("socialmedia:team_add", args=[account.pk]), {"person": bob.email.upper()}
    )
    assert response.status_code == 400
    assert "Bob Manager is already on the team." in response.content.decode()


def test_a_team_member_sees_the_team_but_cannot_change_it(client, account, bob):
    client.force_login(bob)
    page = client.get(reverse("socialmedia:team", args=[account.pk]))
    assert page.status_code == 200
    assert "Add a colleague" not in page.content.decode()
    remove = reverse("socialmedia:team_remove", args=[_member(account, bob).pk])
    assert client.get(remove).status_code == 403


def test_an_outsider_gets_404(client, account, charlie):
    client.force_login(charlie)
    assert client.get(reverse("socialmedia:team", args=[account.pk])).status_code == 404


def test_removing_below_two_shows_the_reason_on_the_form(client, account, alice, bob):
    client.force_login(alice)
    url = reverse("socialmedia:team_remove", args=[_member(account, bob).pk])
    response = client.post(url, {"reason": "Moved"})
    assert response.status_code == 400
    assert "add someone first" in response.content.decode()
    assert "Moved</textarea>" in response.content.decode()


def test_the_team_page_costs_the_same_with_many_people(
    client, alice, chief_executive, django_assert_num_queries
):
    def account_with(count: int) -> Account:
        account = AccountFactory(applicant=alice, team=[UserFactory() for _ in range(count)])
        for person in [UserFactory() for _ in range(count)]:
            TeamMember.objects.create(
                account=account,
                user=person,
                added_at=account.opened_at,
                added_by=alice,
                removed_at=account.opened_at,
                removed_by=alice,
                removal_reason="Moved",
            )
        return account

    few, many = account_with(1), account_with(15)
    client.force_login(chief_executive)
    client.get(reverse("socialmedia:team", args=[few.pk]))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("socialmedia:team", args=[few.pk]))
    with django_assert_num_queries(len(one)):
        response = client.get(reverse("socialmedia:team", args=[many.pk]))
    assert response.content.decode().count("Take off the team") == 15


def test_taking_someone_off_locks_their_team_row_not_their_person_row(account, alice, bob):
    """The leaver hook holds the person's row (user_deactivate updates it): locking it here
    too, after the account, would deadlock with a leaver on the same team."""
    charlie = UserFactory()
    team_member_add(account=account, user=charlie, by=alice)
    with CaptureQueriesContext(connection) as queries:
        team_member_remove(member=_member(account, bob), by=alice, reason="Moved")
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert locks[0].split(" FROM ", 1)[1].startswith('"socialmedia_account"')
    member_lock = next(s for s in locks if '"socialmedia_teammember"' in s.split(" WHERE ")[0])
    assert member_lock.endswith('FOR UPDATE OF "socialmedia_teammember"')


def test_an_offer_withdrawn_by_taking_its_person_off_is_recorded_and_they_are_told(
    account, alice, bob
):
    team_member_add(account=account, user=UserFactory(), by=alice)
    offer = HandOver.objects.create(
        account=account, from_owner=alice, to_owner=bob, proposed_at=account.opened_at
    )
    team_member_remove(member=_member(account, bob), by=alice, reason="Moved")
    event = AuditEvent.objects.get(verb=SocialEvent.HANDOVER_WITHDRAWN)
    assert event.changes == {
        "handover": offer.pk,
        "proposed_owner": bob.email,
        "why": "taken off the team",
    }
    told = Notification.objects.get(recipient=bob, subject__contains="withdrawn")
    assert "taken off the team" in told.body_text
