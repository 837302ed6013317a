"""Applying for a corporate account, revising it and deciding on it: the services."""

from uuid import uuid4

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Account, Decision
from socialmedia.services.applications import (
    account_application_revise,
    account_apply,
    account_decide,
)
from socialmedia.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

RECEIVED = "socialmedia:application_received:"
DECIDED = "socialmedia:application_decided:"

APPLICATION = {
    "platform": "instagram",
    "other_platform": "",
    "name": "Westshire OPCC",
    "handle": "@westshireopcc",
    "purpose": "Show the Commissioner's work in the community.",
    "audience": "Young people in Westshire.",
    "website_link": "https://www.westshire-opcc.example.org/",
    "content_plan": "Three posts a week.",
    "responsibilities_confirmed": True,
}


def _apply(applicant, team, **changes):
    return account_apply(applicant=applicant, data={**APPLICATION, **changes}, team=team)


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb))


def test_an_application_makes_an_applied_account_owned_by_its_applicant_with_its_team(
    alice, bob, chief_executive, ce_delegate
):
    account = _apply(alice, [bob])
    assert account.status == Account.Status.APPLIED
    assert account.owner == alice
    assert account.applicant == alice
    assert account.responsibilities_confirmed_at
    assert account.submitted_at
    assert {row.user for row in account.team.current()} == {alice, bob}
    (event,) = _events(SocialEvent.APPLIED)
    assert event.changes["team"]["to"] == sorted([alice.email, bob.email])
    told = Notification.objects.filter(dedup_key__startswith=RECEIVED)
    assert {n.recipient for n in told} == {chief_executive, ce_delegate}


def test_the_applicant_is_not_asked_to_decide_their_own_application(
    chief_executive, ce_delegate, bob
):
    _apply(chief_executive, [bob])
    told = Notification.objects.filter(dedup_key__startswith=RECEIVED)
    assert [n.recipient for n in told] == [ce_delegate]


def test_with_no_decider_the_chief_executive_mailbox_is_told(alice, bob):
    org = OrganisationSettings.load()
    org.chief_executive_email = "chief.executive@example.org"
    org.save()
    _apply(alice, [bob])
    (told,) = Notification.objects.filter(dedup_key__startswith=RECEIVED)
    assert told.to_email == "chief.executive@example.org"
    assert told.recipient is None


def test_an_application_needs_two_people_and_the_tick(alice, bob):
    with pytest.raises(ValidationError, match="at least one colleague"):
        _apply(alice, [alice])
    with pytest.raises(ValidationError, match="responsibilities"):
        _apply(alice, [bob], responsibilities_confirmed=False)
    with pytest.raises(ValidationError, match="which platform"):
        _apply(alice, [bob], platform="other")
    assert not Account.objects.exists()


def test_a_leaver_cannot_be_named_on_the_team(alice):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="left the organisation"):
        _apply(alice, [gone])


def test_a_decision_is_written_with_its_reason_and_told_to_the_applicant(
    alice, bob, chief_executive
):
    account = _apply(alice, [bob])
    decision = account_decide(
        account=account, outcome="approved", reason="It reaches young people.", by=chief_executive
    )
    account.refresh_from_db()
    assert account.status == Account.Status.APPROVED
    assert (account.decided_by, account.decided_at) == (chief_executive, decision.decided_at)
    assert decision.as_delegate is False
    (event,) = _events(SocialEvent.APPROVED)
    assert event.changes["status"] == {"from": "applied", "to": "approved"}
    (told,) = Notification.objects.filter(dedup_key__startswith=DECIDED)
    assert told.recipient == alice
    assert "It reaches young people." in told.body_text
    assert "Chris Executive, Chief Executive" in told.body_text
    assert "register its username and password" in told.body_text


def test_a_delegates_decision_says_so(alice, bob, ce_delegate):
    account = _apply(alice, [bob])
    decision = account_decide(account=account, outcome="refused", reason="No.", by=ce_delegate)
    assert decision.as_delegate is True
    account.refresh_from_db()
    assert account.status == Account.Status.REFUSED
    assert _events(SocialEvent.REFUSED)


def test_a_chief_executive_cannot_decide_their_own_application_but_a_delegate_can(
    chief_executive, ce_delegate, bob
):
    account = _apply(chief_executive, [bob])
    with pytest.raises(ValidationError, match="another decider must"):
        account_decide(account=account, outcome="approved", reason="Fine.", by=chief_executive)
    assert not Decision.objects.exists()
    account_decide(account=account, outcome="approved", reason="Fine.", by=ce_delegate)
    account.refresh_from_db()
    assert account.status == Account.Status.APPROVED


def test_only_a_waiting_application_is_decided_and_a_reason_is_required(
    alice, bob, chief_executive
):
    account = _apply(alice, [bob])
    with pytest.raises(ValidationError, match="decision in writing"):
        account_decide(account=account, outcome="approved", reason="  ", by=chief_executive)
    account_decide(account=account, outcome="refused", reason="No.", by=chief_executive)
    with pytest.raises(ValidationError, match="not waiting"):
        account_decide(account=account, outcome="approved", reason="Yes.", by=chief_executive)
    assert Decision.objects.count() == 1


def test_a_superuser_without_the_role_cannot_decide(alice, bob):
    account = _apply(alice, [bob])
    boss = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        account_decide(account=account, outcome="approved", reason="Yes.", by=boss)


def test_a_revision_records_each_change_and_asks_the_deciders_again(
    alice, bob, charlie, chief_executive
):
    account = _apply(alice, [bob])
    account_decide(
        account=account, outcome="changes_asked", reason="Add Charlie.", by=chief_executive
    )
    account.refresh_from_db()
    account_application_revise(
        account=account,
        data={**APPLICATION, "handle": "@westshire_opcc"},
        team=[charlie],
        by=alice,
    )
    account.refresh_from_db()
    assert account.status == Account.Status.APPLIED
    assert account.handle == "@westshire_opcc"
    assert {row.user for row in account.team.current()} == {alice, charlie}
    (event,) = _events(SocialEvent.APPLICATION_REVISED)
    assert event.changes["handle"] == {"from": "@westshireopcc", "to": "@westshire_opcc"}
    assert event.changes["team"] == {
        "from": sorted([alice.email, bob.email]),
        "to": sorted([alice.email, charlie.email]),
    }
    told = Notification.objects.filter(dedup_key__startswith=RECEIVED, recipient=chief_executive)
    assert told.count() == 2  # a new key for the revision


def test_an_application_is_revised_only_when_changes_were_asked(alice, bob, charlie):
    account = _apply(alice, [bob])
    with pytest.raises(ValidationError, match="asked for changes"):
        account_application_revise(account=account, data=APPLICATION, team=[bob], by=alice)
    active = AccountFactory(applicant=alice, status=Account.Status.CHANGES_ASKED)
    with pytest.raises(PermissionDenied):
        account_application_revise(account=active, data=APPLICATION, team=[bob], by=charlie)


def test_the_same_application_sent_twice_is_saved_once(alice, bob, chief_executive):
    token = uuid4()
    first = account_apply(applicant=alice, data=APPLICATION, team=[bob], token=token)
    again = account_apply(applicant=alice, data=APPLICATION, team=[bob], token=token)
    assert again.pk == first.pk
    assert Account.objects.count() == 1
    assert len(_events(SocialEvent.APPLIED)) == 1
    assert Notification.objects.filter(dedup_key__startswith=RECEIVED).count() == 1
    # A new form is a new application.
    other = account_apply(applicant=alice, data=APPLICATION, team=[bob], token=uuid4())
    assert other.pk != first.pk


def test_a_decider_with_no_other_decider_is_told_to_ask_for_a_delegate_first(chief_executive, bob):
    with pytest.raises(ValidationError, match="ask for a delegate to be named first"):
        _apply(chief_executive, [bob])
    assert not Account.objects.exists()
    assert not Notification.objects.exists()


def test_a_revision_by_a_decider_with_no_other_decider_left_is_refused(chief_executive, bob):
    account = AccountFactory(
        applicant=chief_executive, team=[bob], status=Account.Status.CHANGES_ASKED
    )
    with pytest.raises(ValidationError, match="ask for a delegate to be named first"):
        account_application_revise(
            account=account, data=APPLICATION, team=[bob], by=chief_executive
        )
    account.refresh_from_db()
    assert account.status == Account.Status.CHANGES_ASKED


def test_an_application_whose_applicant_has_left_cannot_be_approved_but_can_be_refused(
    alice, bob, chief_executive
):
    account = _apply(alice, [bob])
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="has left the organisation"):
        account_decide(account=account, outcome="approved", reason="Yes.", by=chief_executive)
    assert not Decision.objects.exists()
    account_decide(account=account, outcome="refused", reason="Applicant left.", by=chief_executive)
    account.refresh_from_db()
    assert account.status == Account.Status.REFUSED
