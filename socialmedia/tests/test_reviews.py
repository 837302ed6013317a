"""The owner's review: what it records, what it refuses, and when the next one falls due."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.lib.uktime import months_on
from portal.models import AuditEvent, Notification, OrganisationSettings
from socialmedia.events import SocialEvent
from socialmedia.models import Account, Review
from socialmedia.services.reviews import account_review
from socialmedia.tests.factories import AccountFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _instant(text: str) -> datetime:
    """An instant as the audit trail's JSON writes it (to the millisecond)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _review(account, by, **answers):
    fields = {"accurate": True, "links_back": True, "team_right": True, "notes": ""}
    return account_review(account=account, by=by, **{**fields, **answers})


def test_a_review_records_the_answers_and_sets_the_next_date_an_interval_on(alice):
    org = OrganisationSettings.load()
    org.social_review_months = 6
    org.save()
    account = AccountFactory(applicant=alice, review_due_at=timezone.now() - timedelta(days=3))
    was_due = account.review_due_at

    review = _review(account, alice, ip="10.0.0.7")

    account.refresh_from_db()
    assert Review.objects.get() == review
    assert account.last_reviewed_at == review.reviewed_at
    assert account.review_due_at == months_on(review.reviewed_at, 6)
    event = AuditEvent.objects.get(verb=SocialEvent.REVIEWED)
    assert event.actor == alice
    assert event.ip_address == "10.0.0.7"
    moved = event.changes["review_due_at"]
    assert abs(_instant(moved["from"]) - was_due) < timedelta(milliseconds=1)
    assert abs(_instant(moved["to"]) - account.review_due_at) < timedelta(milliseconds=1)
    assert event.changes["team_right"] is True


def test_a_point_not_confirmed_is_recorded_with_what_the_owner_will_do(alice):
    account = AccountFactory(applicant=alice)

    review = _review(account, alice, team_right=False, notes="Sam still has access: removing.")

    assert review.team_right is False
    assert review.notes == "Sam still has access: removing."


@pytest.mark.parametrize("unticked", ["accurate", "links_back", "team_right"])
def test_a_point_not_confirmed_needs_a_note(alice, unticked):
    account = AccountFactory(applicant=alice)

    with pytest.raises(ValidationError, match="what you will do"):
        _review(account, alice, **{unticked: False}, notes="   ")

    assert not Review.objects.exists()
    assert not AuditEvent.objects.filter(verb=SocialEvent.REVIEWED).exists()


def test_only_the_owner_reviews(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    with pytest.raises(ValidationError, match="owner"):
        _review(account, bob)
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Account.Status.APPLIED, Account.Status.CLOSED])
def test_an_account_not_running_is_not_reviewed(alice, status):
    fields = {"opened_at": None} if status == Account.Status.APPLIED else {}
    account = AccountFactory(applicant=alice, status=status, **fields)
    with pytest.raises(ValidationError, match="open"):
        _review(account, alice)
    assert not Review.objects.exists()


def test_a_suspended_account_is_still_reviewed(alice):
    account = AccountFactory(applicant=alice, status=Account.Status.SUSPENDED)
    assert _review(account, alice).pk


def test_a_review_sent_twice_is_recorded_once(alice):
    account = AccountFactory(applicant=alice, review_due_at=timezone.now() - timedelta(days=3))

    first = _review(account, alice)
    account.refresh_from_db()
    due = account.review_due_at
    again = _review(account, alice)

    assert again == first
    assert Review.objects.count() == 1
    assert AuditEvent.objects.filter(verb=SocialEvent.REVIEWED).count() == 1
    account.refresh_from_db()
    assert account.review_due_at == due


def test_a_review_after_the_last_one_is_old_is_recorded_anew(alice):
    account = AccountFactory(applicant=alice)
    ReviewFactory(
        account=account, reviewed_by=alice, reviewed_at=timezone.now() - timedelta(minutes=11)
    )
    _review(account, alice)
    assert Review.objects.count() == 2


CONCERNS = "socialmedia:review_concerns:"
TEAM_WRONG = "the owner's review says the team listed is not everyone with access"


def test_a_review_saying_the_team_is_wrong_tells_the_chief_executive_and_marks_the_password(
    alice, bob, chief_executive
):
    account = AccountFactory(applicant=alice, team=[bob])

    review = _review(account, alice, team_right=False, notes="Sam from comms still signs in.")

    (told,) = Notification.objects.filter(dedup_key__startswith=CONCERNS)
    assert told.recipient == chief_executive
    assert "Sam from comms still signs in." in told.body_text
    assert "not everyone with access" in told.body_text
    assert alice.full_name in told.body_text
    account.refresh_from_db()
    assert account.rotation_due_since == review.reviewed_at
    assert account.rotation_due_reason == TEAM_WRONG
    event = AuditEvent.objects.get(verb=SocialEvent.ROTATION_DUE)
    assert (event.actor, event.changes["reason"]) == (alice, TEAM_WRONG)


def test_a_review_saying_the_profile_does_not_link_back_tells_the_chief_executive_only(
    alice, chief_executive
):
    account = AccountFactory(applicant=alice)

    _review(account, alice, links_back=False, notes="Link fixed by Friday.")

    (told,) = Notification.objects.filter(dedup_key__startswith=CONCERNS)
    assert "does not link back" in told.body_text
    assert "Link fixed by Friday." in told.body_text
    account.refresh_from_db()
    assert account.rotation_due_since is None


def test_a_review_with_no_concern_tells_nobody(alice, chief_executive):
    _review(AccountFactory(applicant=alice), alice, accurate=False, notes="Old posts to go.")
    assert not Notification.objects.filter(dedup_key__startswith=CONCERNS).exists()


def test_with_nobody_in_the_role_the_chief_executive_mailbox_hears_of_the_concern(alice):
    org = OrganisationSettings.load()
    org.chief_executive_email = "chief.executive@example.org"
    org.save()

    _review(AccountFactory(applicant=alice), alice, links_back=False, notes="Fixing it.")

    (told,) = Notification.objects.filter(dedup_key__startswith=CONCERNS)
    assert (told.recipient, told.to_email) == (None, "chief.executive@example.org")
