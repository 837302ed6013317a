from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import Campaign, Obligation
from declarations.services.campaigns import (
    campaign_close,
    campaign_create,
    campaign_enrol,
    campaign_open,
    extra_statement_add,
    obligation_due_at,
    obligation_extend,
    obligation_pause,
    obligation_resume,
)
from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory
from portal.models import AuditEvent, EmploymentType, Notification, OrganisationSettings
from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# UK wall-clock times (GMT or BST by the date), as the portal's users read them.
LONDON = ZoneInfo("Europe/London")


def _campaign(**kwargs):
    return CampaignFactory(versions=[PolicyVersionFactory(published=True)], **kwargs)


def test_opening_a_campaign_asks_everyone_active_once_and_emails_each(
    alice, bob, charlie, policy_admin, django_capture_on_commit_callbacks, mailoutbox
):
    leaver = UserFactory(is_active=False)
    campaign = _campaign()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_open(campaign=campaign, by=policy_admin)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    asked = set(campaign.obligations.values_list("user_id", flat=True))
    assert asked == {alice.pk, bob.pk, charlie.pk, policy_admin.pk}
    assert leaver.pk not in asked
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [alice.email, bob.email, charlie.email, policy_admin.email]
    )
    alice_obligation = campaign.obligations.get(user=alice)
    assert alice_obligation.due_at == campaign.due_at
    assert alice_obligation.next_reminder_at >= campaign.opened_at + timedelta(days=7)
    assert f"/declarations/sign/{alice_obligation.pk}/" in mailoutbox[0].body or any(
        f"/declarations/sign/{alice_obligation.pk}/" in m.body for m in mailoutbox
    )
    assert AuditEvent.objects.filter(verb="campaign.opened", object_id=str(campaign.pk)).exists()


def test_enrolling_again_asks_nobody_twice(alice, bob, policy_admin):
    campaign = _campaign(open=True)
    assert campaign_enrol(campaign=campaign) == 3
    assert campaign_enrol(campaign=campaign) == 0
    assert Obligation.objects.filter(campaign=campaign).count() == 3
    assert (
        Notification.objects.filter(dedup_key__startswith=f"decl-opened:{campaign.pk}:").count()
        == 3
    )


def test_enrolling_picks_up_people_who_join_while_it_is_open(alice):
    campaign = _campaign(open=True)
    campaign_enrol(campaign=campaign)
    newcomer = UserFactory()
    assert campaign_enrol(campaign=campaign) == 1
    assert campaign.obligations.filter(user=newcomer).exists()


def test_enrolment_is_bulk_whatever_the_number_of_people(django_assert_max_num_queries):
    OrganisationSettings.load()
    UserFactory.create_batch(20)
    first = _campaign(open=True)
    with CaptureQueriesContext(connection) as few:
        assert campaign_enrol(campaign=first) == 20
    UserFactory.create_batch(180)
    campaign = _campaign(open=True)
    # The same handful of queries for 200 people as for 20: none per person.
    with CaptureQueriesContext(connection) as many:
        assert campaign_enrol(campaign=campaign, batch_size=1000) == 200
    # (a lock on the campaign and one audit event per batch among them)
    assert len(many) == len(few) <= 22
    assert campaign.obligations.count() == 200
    assert (
        Notification.objects.filter(dedup_key__startswith=f"decl-opened:{campaign.pk}:").count()
        == 200
    )
    # Nobody missing (the sweep calls this every few minutes): one query for the people.
    with django_assert_max_num_queries(4):
        assert campaign_enrol(campaign=campaign) == 0


def test_enrolment_in_small_batches_asks_everyone():
    UserFactory.create_batch(25)
    campaign = _campaign(open=True)
    assert campaign_enrol(campaign=campaign, batch_size=10) == 25
    assert campaign.obligations.count() == 25


def test_a_chosen_audience_asks_only_those_departments_and_types(policy_admin):
    finance = DepartmentFactory(code="FIN", name="Finance")
    estates = DepartmentFactory(code="EST", name="Estates")
    employee = UserFactory(department=finance)
    contractor = UserFactory(department=finance, employment_type=EmploymentType.CONTRACTOR)
    elsewhere = UserFactory(department=estates)
    campaign = _campaign(
        open=True,
        audience_all=False,
        departments=[finance],
        employment_types=[EmploymentType.EMPLOYEE],
    )
    campaign_enrol(campaign=campaign)
    asked = set(campaign.obligations.values_list("user_id", flat=True))
    assert asked == {employee.pk}
    assert contractor.pk not in asked
    assert elsewhere.pk not in asked


def test_a_scheduled_campaign_asks_nobody_until_its_opening_time(alice, policy_admin):
    campaign = _campaign(opens_at=timezone.now() + timedelta(days=2))
    campaign_open(campaign=campaign, by=policy_admin)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign_enrol(campaign=campaign) == 0
    Campaign.objects.filter(pk=campaign.pk).update(opened_at=timezone.now() - timedelta(minutes=1))
    assert campaign_enrol(campaign=campaign) == 3  # alice, bob and the administrator


def test_a_new_starter_has_their_own_days_from_their_start_date():
    opened = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)
    campaign = CampaignFactory(
        opens_at=opened,
        opened_at=opened,
        due_at=datetime(2026, 4, 30, 23, 59, tzinfo=LONDON),
        new_starter_days=14,
    )
    on_opening = date(2026, 4, 1)
    # Started before it opened: the campaign's own date.
    assert obligation_due_at(campaign, date(2025, 1, 6), today=on_opening) == campaign.due_at
    assert obligation_due_at(campaign, None, today=on_opening) == campaign.due_at
    # Started after it opened, early enough that the campaign's date is later: that date.
    assert obligation_due_at(campaign, date(2026, 4, 6), today=on_opening) == campaign.due_at
    # Started late in the campaign: 14 days from the start date, at 23:59 UK time (BST here).
    due = obligation_due_at(campaign, date(2026, 4, 27), today=on_opening)
    assert due == datetime(2026, 5, 11, 23, 59, tzinfo=LONDON)
    assert timezone.localtime(due).time() == time(23, 59)


def test_someone_first_asked_after_the_due_date_gets_their_own_days_from_that_day():
    opened = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)
    campaign = CampaignFactory(
        opens_at=opened,
        opened_at=opened,
        due_at=datetime(2026, 4, 30, 23, 59, tzinfo=LONDON),
        new_starter_days=14,
    )
    # Moved into the audience (or added with no start date) on 20 May, after the due date:
    # never overdue the moment they are asked.
    due = obligation_due_at(campaign, None, today=date(2026, 5, 20))
    assert due == datetime(2026, 6, 3, 23, 59, tzinfo=LONDON)


def test_a_new_starter_enrolled_by_the_sweep_gets_their_own_due_date():
    campaign = _campaign(open=True, due_at=timezone.now() + timedelta(days=3))
    starter = UserFactory(start_date=timezone.localdate() + timedelta(days=1))
    campaign_enrol(campaign=campaign)
    obligation = campaign.obligations.get(user=starter)
    expected = timezone.localdate() + timedelta(days=1 + campaign.new_starter_days)
    assert timezone.localtime(obligation.due_at).date() == expected


def test_a_campaign_cannot_open_twice_or_without_versions(policy_admin):
    empty = CampaignFactory()
    with pytest.raises(ValidationError, match="policy version"):
        campaign_open(campaign=empty, by=policy_admin)
    campaign = _campaign()
    campaign_open(campaign=campaign, by=policy_admin)
    with pytest.raises(ValidationError, match="open"):
        campaign_open(campaign=campaign, by=policy_admin)


def test_a_campaign_can_only_name_published_versions(policy_admin):
    draft = PolicyVersionFactory()
    with pytest.raises(ValidationError, match="published"):
        campaign_create(
            by=policy_admin,
            versions=[draft],
            name="Annual",
            statement="I agree.",
            opens_at=timezone.now(),
            due_at=timezone.now() + timedelta(days=10),
        )


def test_closing_a_campaign_stops_enrolment(alice, policy_admin):
    campaign = _campaign(open=True)
    campaign_close(campaign=campaign, by=policy_admin, reason="Round complete")
    assert campaign_enrol(campaign=campaign) == 0
    assert AuditEvent.objects.filter(verb="campaign.closed").exists()


def test_extra_statements_only_while_draft(policy_admin):
    campaign = _campaign()
    extra_statement_add(
        campaign=campaign,
        by=policy_admin,
        title="Political restriction",
        text="I will keep to the political restriction guidance.",
        audience="politically_restricted",
    )
    campaign_open(campaign=campaign, by=policy_admin)
    with pytest.raises(ValidationError, match="no longer be changed"):
        extra_statement_add(
            campaign=campaign,
            by=policy_admin,
            title="x",
            text="y",
            audience="politically_restricted",
        )


def test_pausing_resuming_and_extending_are_recorded_with_reasons(alice, policy_admin):
    obligation = ObligationFactory(user=alice)
    obligation_pause(obligation=obligation, by=policy_admin, reason="Long-term sick leave")
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PAUSED
    assert obligation.paused_reason == "Long-term sick leave"
    obligation_resume(obligation=obligation, by=policy_admin)
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    later = obligation.due_at + timedelta(days=14)
    obligation_extend(obligation=obligation, by=policy_admin, due_at=later, reason="Returned late")
    obligation.refresh_from_db()
    assert obligation.due_at == later
    verbs = list(
        AuditEvent.objects.filter(
            object_id=str(obligation.pk), object_type="declarations.obligation"
        )
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["obligation.paused", "obligation.resumed", "obligation.extended"]


def test_an_extension_is_refused_beyond_the_organisations_longest(alice, policy_admin):
    org = OrganisationSettings.load()
    org.max_extension_days = 30
    org.save()
    obligation = ObligationFactory(user=alice, due_at=timezone.now() + timedelta(days=1))
    today = timezone.localdate()
    latest = datetime.combine(today + timedelta(days=30), time(23, 59), tzinfo=LONDON)
    latest_text = f"{latest.day} {latest:%B %Y}"

    for too_late in (latest + timedelta(minutes=1), datetime(9999, 12, 31, tzinfo=UTC)):
        with pytest.raises(
            ValidationError, match=f"The latest due date you can give is {latest_text}."
        ):
            obligation_extend(
                obligation=obligation, by=policy_admin, due_at=too_late, reason="Leave"
            )
    obligation_extend(obligation=obligation, by=policy_admin, due_at=latest, reason="Leave")

    obligation.refresh_from_db()
    assert obligation.due_at == latest
    assert AuditEvent.objects.filter(verb="obligation.extended").count() == 1


def test_a_pause_needs_a_reason_and_an_extension_a_later_date(alice, policy_admin):
    obligation = ObligationFactory(user=alice)
    with pytest.raises(ValidationError):
        obligation_pause(obligation=obligation, by=policy_admin, reason="  ")
    with pytest.raises(ValidationError, match="after the current"):
        obligation_extend(
            obligation=obligation,
            by=policy_admin,
            due_at=obligation.due_at - timedelta(days=1),
            reason="typo",
        )
