"""Exempting one person from a campaign until a date, ending it early, and the sweep that ends
it when its last day is over and asks the person to sign again."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from declarations.models import Obligation
from declarations.outbox import exemption_ended_key
from declarations.services.campaigns import campaign_close, obligation_pause
from declarations.services.exemptions import (
    obligation_exempt,
    obligation_exemption_end,
    obligations_end_exemptions,
)
from declarations.services.reminders import declarations_sweep
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.lib.uktime import end_of_day, long_date
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def campaign(now):
    # A chosen audience with nothing chosen asks nobody: the sweep enrols nobody more.
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=10),
        due_at=now + timedelta(days=20),
        new_starter_days=14,
        versions=[PolicyVersionFactory(published=True)],
    )


@pytest.fixture
def obligation(campaign, alice):
    return ObligationFactory(campaign=campaign, user=alice)


def _today():
    return timezone.localdate()


def _verbs(obligation) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="declarations.obligation", object_id=str(obligation.pk)
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def _invitations() -> list[Notification]:
    return list(Notification.objects.filter(dedup_key__startswith="decl-exempt-end:"))


def test_exempting_records_who_when_why_and_until_when(obligation, policy_admin):
    until = _today() + timedelta(days=60)
    exempted = obligation_exempt(
        obligation=obligation, by=policy_admin, until=until, reason="  Seconded to the NCA  "
    )
    exempted.refresh_from_db()
    assert exempted.status == Obligation.Status.EXEMPT
    assert exempted.exempted_by == policy_admin
    assert exempted.exempt_reason == "Seconded to the NCA"
    assert exempted.exempt_until == end_of_day(until)
    assert exempted.exempted_at is not None
    assert exempted.next_reminder_at is None
    event = AuditEvent.objects.get(verb="obligation.exempted")
    assert event.actor == policy_admin
    assert event.object_id == str(obligation.pk)
    assert event.changes["reason"] == "Seconded to the NCA"
    assert event.changes["until"].startswith(until.isoformat())


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_exemption_needs_a_reason(obligation, policy_admin, reason):
    with pytest.raises(ValidationError) as error:
        obligation_exempt(
            obligation=obligation,
            by=policy_admin,
            until=_today() + timedelta(days=5),
            reason=reason,
        )
    assert error.value.message_dict == {"reason": ["Say why the person is exempt."]}
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert not AuditEvent.objects.filter(verb="obligation.exempted").exists()


def test_an_exemption_cannot_end_in_the_past(obligation, policy_admin):
    with pytest.raises(ValidationError) as error:
        obligation_exempt(
            obligation=obligation,
            by=policy_admin,
            until=_today() - timedelta(days=1),
            reason="Sick",
        )
    assert error.value.message_dict == {"until": ["The end date must be today or later."]}


def test_an_exemption_is_bounded_by_the_organisations_limit_and_says_so(obligation, policy_admin):
    settings = OrganisationSettings.load()
    settings.max_extension_days = 90
    settings.save()
    latest = _today() + timedelta(days=90)
    with pytest.raises(ValidationError) as error:
        obligation_exempt(
            obligation=obligation,
            by=policy_admin,
            until=latest + timedelta(days=1),
            reason="Sick",
        )
    assert error.value.message_dict == {
        "until": [
            "An exemption can last at most 90 days from today: "
            f"the latest end date is {long_date(latest)}."
        ]
    }
    # The last day allowed is allowed.
    obligation_exempt(obligation=obligation, by=policy_admin, until=latest, reason="Sick")


def test_only_someone_still_to_sign_in_an_open_campaign_can_be_exempted(
    campaign, obligation, policy_admin
):
    obligation_pause(obligation=obligation, by=policy_admin, reason="Sick")
    with pytest.raises(ValidationError, match="this one is paused. Resume it first."):
        obligation_exempt(obligation=obligation, by=policy_admin, until=_today(), reason="Seconded")
    other = ObligationFactory(campaign=campaign)
    campaign_close(campaign=campaign, by=policy_admin, reason="Done")
    with pytest.raises(ValidationError, match="only while the campaign is open"):
        obligation_exempt(obligation=other, by=policy_admin, until=_today(), reason="Seconded")


def test_exempt_people_get_no_reminders_escalations_or_overdue_notices(
    campaign, alice, bob, policy_admin, now
):
    overdue = ObligationFactory(
        campaign=campaign, user=alice, due_at=now - timedelta(days=10), next_reminder_at=now
    )
    obligation_exempt(
        obligation=overdue, by=policy_admin, until=_today() + timedelta(days=30), reason="Sick"
    )
    result = declarations_sweep(now=now + timedelta(minutes=1))
    assert (result.reminders, result.due, result.overdue) == (0, 0, 0)
    assert (result.managers_told, result.admin_escalated, result.exemptions_ended) == (0, 0, 0)
    assert not Notification.objects.exists()


def test_the_sweep_ends_an_exemption_after_its_last_day_once_and_asks_again(
    obligation, policy_admin, now
):
    # Long enough that the new-starter days from its end pass the campaign's due date.
    obligation_exempt(
        obligation=obligation, by=policy_admin, until=_today() + timedelta(days=30), reason="Sick"
    )
    obligation.refresh_from_db()
    ends = obligation.exempt_until
    exempted_at = obligation.exempted_at

    # A minute before the end nothing happens.
    assert declarations_sweep(now=ends - timedelta(minutes=1)).exemptions_ended == 0
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.EXEMPT

    first = declarations_sweep(now=ends + timedelta(minutes=2))
    second = declarations_sweep(now=ends + timedelta(minutes=7))
    third = obligations_end_exemptions(now=ends + timedelta(days=2))
    assert (first.exemptions_ended, second.exemptions_ended, third) == (1, 0, 0)

    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    # A fresh due date: the campaign's new-starter days from the day they are asked again.
    asked_on = timezone.localdate(ends + timedelta(minutes=2))
    assert obligation.due_at == end_of_day(asked_on + timedelta(days=14))
    assert obligation.exemption_ended_at == ends + timedelta(minutes=2)
    assert obligation.exemption_ended_by is None
    assert not obligation.exemption_ended_early
    # What the exemption was stays on the row for the person's page.
    assert obligation.exempt_reason == "Sick"
    # The sweep scheduled the next reminder of the fresh deadline.
    assert obligation.next_reminder_at is not None

    (invitation,) = _invitations()
    assert invitation.dedup_key == exemption_ended_key(obligation.pk, exempted_at)
    assert invitation.recipient == obligation.user
    assert "exemption has now ended" in invitation.body_text
    assert f"/declarations/sign/{obligation.pk}/" in invitation.body_text
    assert _verbs(obligation) == ["obligation.exempted", "obligation.exemption_expired"]
    event = AuditEvent.objects.get(verb="obligation.exemption_expired")
    assert event.actor is None
    assert event.changes["asked_again"] is True
    assert event.changes["exempt_because"] == "Sick"


def test_a_sweep_back_after_days_away_still_gives_a_due_date_ahead(
    obligation, policy_admin, campaign
):
    campaign.new_starter_days = 0
    campaign.save()
    obligation_exempt(obligation=obligation, by=policy_admin, until=_today(), reason="Sick")
    obligation.refresh_from_db()
    late = obligation.exempt_until + timedelta(days=40)
    assert obligations_end_exemptions(now=late) == 1
    obligation.refresh_from_db()
    assert obligation.due_at > late


def test_an_exemption_ending_in_a_closed_campaign_sends_nothing(campaign, obligation, policy_admin):
    obligation_exempt(obligation=obligation, by=policy_admin, until=_today(), reason="Sick")
    campaign_close(campaign=campaign, by=policy_admin, reason="Year complete")
    obligation.refresh_from_db()
    assert declarations_sweep(now=obligation.exempt_until + timedelta(minutes=1)).exemptions_ended
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert _invitations() == []
    event = AuditEvent.objects.get(verb="obligation.exemption_expired")
    assert event.changes["asked_again"] is False


def test_many_exemptions_end_in_a_fixed_number_of_queries(
    campaign, policy_admin, now, django_assert_max_num_queries
):
    def exempt_people(count):
        return [
            ObligationFactory(campaign=campaign, exempt=True, exempt_until=now)
            for _ in range(count)
        ]

    OrganisationSettings.load()
    exempt_people(2)
    with django_assert_max_num_queries(20) as few:
        assert obligations_end_exemptions(now=now) == 2
    exempt_people(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert obligations_end_exemptions(now=now) == 40


def test_ending_early_asks_again_at_once_and_records_who_and_why(
    obligation, policy_admin, campaign
):
    obligation_exempt(
        obligation=obligation, by=policy_admin, until=_today() + timedelta(days=90), reason="Sick"
    )
    with pytest.raises(ValidationError) as error:
        obligation_exemption_end(obligation=obligation, by=policy_admin, reason=" ")
    assert error.value.message_dict == {"reason": ["Say why the exemption is ended early."]}

    ended = obligation_exemption_end(
        obligation=obligation, by=policy_admin, reason="Back from secondment early"
    )
    ended.refresh_from_db()
    assert ended.status == Obligation.Status.PENDING
    assert ended.exemption_ended_by == policy_admin
    assert ended.exemption_ended_reason == "Back from secondment early"
    assert ended.exemption_ended_early
    # Never earlier than the campaign's own due date.
    assert ended.due_at == max(
        campaign.due_at, end_of_day(_today() + timedelta(days=campaign.new_starter_days))
    )
    assert len(_invitations()) == 1
    event = AuditEvent.objects.get(verb="obligation.exemption_ended")
    assert event.actor == policy_admin
    assert event.changes["reason"] == "Back from secondment early"
    # The sweep has nothing left to end, and sends nothing more.
    assert obligations_end_exemptions(now=timezone.now() + timedelta(days=200)) == 0
    assert len(_invitations()) == 1
    with pytest.raises(ValidationError, match="not exempt"):
        obligation_exemption_end(obligation=obligation, by=policy_admin, reason="Again")


def test_a_second_exemption_gets_its_own_invitation_when_it_ends(obligation, policy_admin):
    for _ in range(2):
        obligation_exempt(
            obligation=obligation, by=policy_admin, until=_today() + timedelta(days=9), reason="x"
        )
        obligation_exemption_end(obligation=obligation, by=policy_admin, reason="Back")
    keys = {message.dedup_key for message in _invitations()}
    assert len(keys) == 2


def test_an_exempt_person_does_not_count_as_asked_or_outstanding(campaign, policy_admin):
    from declarations.reports import completion_overall, outstanding

    exempt = ObligationFactory(campaign=campaign, exempt=True)
    ObligationFactory(campaign=campaign, user=UserFactory())
    figures = completion_overall(campaign, timezone.now())
    assert (figures.asked, figures.pending, figures.exempt) == (1, 1, 1)
    assert exempt not in outstanding(campaign, now=timezone.now())
    assert list(outstanding(campaign, now=timezone.now(), show="exempt")) == [exempt]


def test_an_exemption_ended_by_someone_else_meanwhile_is_not_ended_twice(
    obligation, policy_admin, monkeypatch
):
    from declarations.services import exemptions

    obligation_exempt(obligation=obligation, by=policy_admin, until=_today(), reason="Sick")
    obligation.refresh_from_db()
    ends = obligation.exempt_until
    real_fresh_due = exemptions._fresh_due

    def fresh_due_after_a_rival_ended_it(row, when):
        # Another sweep ends it between our read and our conditional UPDATE.
        Obligation.objects.filter(pk=row.pk).update(status=Obligation.Status.PENDING)
        return real_fresh_due(row, when)

    monkeypatch.setattr(exemptions, "_fresh_due", fresh_due_after_a_rival_ended_it)
    assert obligations_end_exemptions(now=ends + timedelta(minutes=1)) == 0
    # The batch rolled back whole: no email and no audit event; the next sweep does it, once.
    assert _invitations() == []
    assert not AuditEvent.objects.filter(verb="obligation.exemption_expired").exists()
    monkeypatch.setattr(exemptions, "_fresh_due", real_fresh_due)
    assert obligations_end_exemptions(now=ends + timedelta(minutes=6)) == 1
    assert len(_invitations()) == 1
