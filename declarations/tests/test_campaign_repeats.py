"""Repeating annual campaigns: next year's prepared once, with the same settings and the
versions then in effect, the policy administrators told, and opened on its date by the system
unless stopped."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from declarations.models import Campaign, ExtraStatement
from declarations.services.repeats import (
    REPEAT_NOTICE_DAYS,
    campaign_repeat_prepare,
    campaign_repeat_stop,
    campaign_repeats_sweep,
    next_name,
    years_on,
)
from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    ExtraStatementFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.lib.uktime import start_of_day
from portal.models import AuditEvent, EmploymentType, Notification
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _at(day, hour=9, minute=0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def next_opens_at():
    """When next year's campaign opens: 09:00, REPEAT_NOTICE_DAYS days from today, so the
    repeat is due to be prepared today."""
    return _at(timezone.localdate() + timedelta(days=REPEAT_NOTICE_DAYS))


@pytest.fixture
def it_policy():
    return PolicyFactory(title="IT and social media")


@pytest.fixture
def it_v1(it_policy):
    return PolicyVersionFactory(
        policy=it_policy,
        published=True,
        label="1.0",
        effective_date=timezone.localdate() - timedelta(days=400),
    )


@pytest.fixture
def original(next_opens_at, it_v1, department):
    opens_at = years_on(next_opens_at, -1)
    campaign = CampaignFactory(
        open=True,
        name=f"Annual declaration {timezone.localtime(opens_at).year}",
        statement="I have read these and will keep to them.",
        audience_all=False,
        employment_types=[EmploymentType.EMPLOYEE],
        opens_at=opens_at,
        due_at=opens_at + timedelta(days=30),
        new_starter_days=21,
        reminder_every_days=5,
        admin_escalation_days=3,
        repeats_yearly=True,
        versions=[it_v1],
        departments=[department],
    )
    statement = ExtraStatementFactory(
        campaign=campaign,
        title="Business interests",
        audience=ExtraStatement.Audience.DEPARTMENTS,
    )
    statement.departments.set([department])
    return campaign


@pytest.fixture
def admins(policy_admin):
    return [policy_admin, UserFactory(roles=[Role.POLICY_ADMIN], email="second@example.org")]


def _prepared_keys() -> list[str]:
    return list(
        Notification.objects.filter(dedup_key__startswith="decl-repeat-prepared:")
        .order_by("dedup_key")
        .values_list("dedup_key", flat=True)
    )


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


# When it is prepared, and exactly once


def test_nothing_is_prepared_before_the_day_it_is_due(original, admins, next_opens_at):
    the_day_before = start_of_day(timezone.localdate()) - timedelta(minutes=1)
    result = campaign_repeats_sweep(now=the_day_before)
    assert result.prepared == 0
    assert not Campaign.objects.filter(repeat_of=original).exists()
    assert _prepared_keys() == []


def test_the_sweep_prepares_next_years_campaign_once_however_often_it_runs(
    original, admins, next_opens_at
):
    first = campaign_repeats_sweep()
    second = campaign_repeats_sweep()
    assert (first.prepared, second.prepared) == (1, 0)
    copy = Campaign.objects.get(repeat_of=original)
    assert copy.status == Campaign.Status.DRAFT
    assert copy.opens_automatically
    assert copy.created_by is None
    assert Campaign.objects.count() == 2
    # Each administrator is told once.
    assert _prepared_keys() == sorted(f"decl-repeat-prepared:{copy.pk}:{a.pk}" for a in admins)
    events = _events("campaign.repeat_prepared")
    assert len(events) == 1
    assert events[0].actor_label == "system"
    assert events[0].changes["repeat_of"] == original.pk


def test_a_campaign_that_never_opened_or_does_not_repeat_is_not_prepared(original, admins, it_v1):
    Campaign.objects.filter(pk=original.pk).update(repeats_yearly=False)
    CampaignFactory(repeats_yearly=True, opens_at=original.opens_at, versions=[it_v1])
    assert campaign_repeats_sweep().prepared == 0
    assert Campaign.objects.filter(repeat_of__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_preparing_at_once_make_one_campaign(original, admins):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def prepare():
        try:
            barrier.wait()
            results.append(campaign_repeat_prepare(campaign=original))
        except Exception as error:  # a duplicate refused by the database would land here
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=prepare) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # The second waits for the first's lock, then finds its copy: no error, nothing made.
    assert errors == []
    assert len(results) == 2
    assert len([r for r in results if r is not None]) == 1
    assert Campaign.objects.filter(repeat_of=original).count() == 1
    assert len(_prepared_keys()) == len(admins)


# What the copy holds


def test_the_copy_has_the_same_settings_a_year_on(original, admins, department, next_opens_at):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    year = timezone.localtime(original.opens_at).year
    assert copy.name == f"Annual declaration {year + 1}"
    assert copy.statement == original.statement
    assert copy.audience_all is False
    assert copy.employment_types == [EmploymentType.EMPLOYEE]
    assert list(copy.departments.all()) == [department]
    assert (copy.new_starter_days, copy.reminder_every_days, copy.admin_escalation_days) == (
        21,
        5,
        3,
    )
    assert copy.repeats_yearly
    assert copy.opens_at == next_opens_at
    assert timezone.localtime(copy.due_at).time() == timezone.localtime(original.due_at).time()
    assert timezone.localdate(copy.due_at) == years_on(original.due_at, 1).date()
    [statement] = copy.extra_statements.all()
    assert (statement.title, statement.audience) == ("Business interests", "departments")
    assert list(statement.departments.all()) == [department]
    # The original keeps its own statement.
    assert original.extra_statements.count() == 1


def test_the_copy_keeps_the_comprehension_check_and_the_summary_recipients(original, admins):
    Campaign.objects.filter(pk=original.pk).update(
        check_pass_mark=2, check_pass_mark_is_percent=False, check_attempts=5
    )
    for text in ("Who do you tell about a lost phone?", "May you use WhatsApp one-to-one?"):
        CheckQuestionFactory(campaign=original, text=text, choices=["Yes", "No"], correct=1)
    chief = UserFactory(email="chief@example.org")
    original.summary_recipients.set([chief])

    copy = campaign_repeat_prepare(campaign=original)

    assert copy is not None
    assert (copy.check_pass_mark, copy.check_pass_mark_is_percent, copy.check_attempts) == (
        2,
        False,
        5,
    )
    assert [(q.text, q.choices, q.correct) for q in copy.questions.order_by("pk")] == [
        ("Who do you tell about a lost phone?", ["Yes", "No"], 1),
        ("May you use WhatsApp one-to-one?", ["Yes", "No"], 1),
    ]
    assert list(copy.summary_recipients.all()) == [chief]
    # The original keeps its own questions.
    assert original.questions.count() == 2
    [event] = _events("campaign.repeat_prepared")
    assert event.changes["check_questions"] == 2
    assert event.changes["summary_recipients"] == ["chief@example.org"]


def test_dates_keep_their_uk_wall_clock_time_across_the_clock_change():
    # 28 March 2026 is before the clocks go forward (GMT); 28 March 2027 is after (BST).
    before = _at(date(2026, 3, 28), 9, 0)
    after = years_on(before, 1)
    assert timezone.localtime(after).strftime("%Y-%m-%d %H:%M") == "2027-03-28 09:00"
    # Aware datetimes in one zone subtract as wall-clock times: compare in UTC instead.
    assert (before.astimezone(UTC).hour, after.astimezone(UTC).hour) == (9, 8)
    leap = _at(date(2028, 2, 29), 23, 59)
    assert timezone.localtime(years_on(leap, 1)).strftime("%Y-%m-%d %H:%M") == "2029-02-28 23:59"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Annual declaration 2026", "Annual declaration 2027"),
        ("Declaration 2026/27", "Declaration 2027/28"),
        ("2026 annual policy sign-off", "2027 annual policy sign-off"),
        ("Annual declaration", "Annual declaration 2027"),
        ("Room 12026 declaration", "Room 12026 declaration 2027"),
    ],
)
def test_the_name_moves_on_a_year(name, expected):
    assert next_name(name, _at(date(2026, 4, 1)), 1) == expected


def test_the_copy_asks_the_versions_in_effect_when_it_opens_and_leaves_out_policies_with_none(
    original, admins, it_policy, it_v1, next_opens_at
):
    # Published after the original opened, in effect before next year's opens: it is asked.
    newer = PolicyVersionFactory(
        policy=it_policy, published=True, label="2.0", effective_date=timezone.localdate()
    )
    # Published, but not in effect until after next year's opens; and a draft: neither.
    PolicyVersionFactory(
        policy=it_policy,
        published=True,
        label="3.0",
        effective_date=timezone.localdate(next_opens_at) + timedelta(days=1),
    )
    PolicyVersionFactory(policy=it_policy, label="4.0", effective_date=timezone.localdate())
    # A policy in the original whose only version is not in effect on the opening day.
    withdrawn = PolicyFactory(title="Clear desk")
    later_only = PolicyVersionFactory(
        policy=withdrawn,
        published=True,
        label="1.0",
        effective_date=timezone.localdate(next_opens_at) + timedelta(days=30),
    )
    original.versions.add(later_only)
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    assert list(copy.versions.all()) == [newer]
    assert list(original.versions.order_by("pk")) == [it_v1, later_only]
    [event] = _events("campaign.repeat_prepared")
    assert event.changes["left_out"] == ["Clear desk"]
    assert event.changes["versions"] == ["IT and social media 2.0"]
    message = Notification.objects.get(dedup_key=f"decl-repeat-prepared:{copy.pk}:{admins[0].pk}")
    assert "IT and social media (version 2.0)" in message.body_text
    assert "Left out, because no version of it is in effect on that day: Clear desk" in (
        message.body_text
    )


def test_the_administrators_email_says_when_it_opens_with_a_link(original, admins, next_opens_at):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    message = Notification.objects.get(dedup_key=f"decl-repeat-prepared:{copy.pk}:{admins[1].pk}")
    assert message.recipient == admins[1]
    assert copy.name in message.subject
    when = timezone.localdate(next_opens_at)
    assert f"It will open automatically on {when.day} {when:%B %Y}, 09:00" in message.body_text
    assert reverse("declarations:campaign", args=[copy.pk]) in message.body_text
    assert "stop the repeat" in message.body_text


def test_a_repeat_prepared_late_is_a_plain_draft_and_says_so(original, admins, next_opens_at):
    # The sweep was down: it prepares the repeat three days late.
    Campaign.objects.filter(pk=original.pk).update(opens_at=original.opens_at - timedelta(days=3))
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    assert not copy.opens_automatically
    message = Notification.objects.get(dedup_key=f"decl-repeat-prepared:{copy.pk}:{admins[0].pk}")
    assert "It will not open by itself" in message.body_text
    assert f"less than {REPEAT_NOTICE_DAYS} days before it opens" in message.body_text
    # Its opening time comes and goes: it stays a draft.
    campaign_repeats_sweep(now=copy.opens_at + timedelta(minutes=5))
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.DRAFT


# Opening


def test_it_opens_on_its_opening_date_as_the_system_and_not_before(original, admins, next_opens_at):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    assert campaign_repeats_sweep(now=next_opens_at - timedelta(minutes=1)).opened == 0
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.DRAFT
    assert campaign_repeats_sweep(now=next_opens_at).opened == 1
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.OPEN
    assert copy.opened_at == next_opens_at
    assert copy.opened_by is None
    [event] = _events("campaign.opened")
    assert event.actor_label == "system"
    assert event.object_id == str(copy.pk)
    # Opened once: the next sweep finds nothing to do.
    assert campaign_repeats_sweep(now=next_opens_at + timedelta(minutes=5)).opened == 0


def test_an_opened_repeat_asks_its_audience(
    original, admins, department, django_capture_on_commit_callbacks
):
    person = UserFactory(department=department, employment_type=EmploymentType.EMPLOYEE)
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    # Time passes: it was prepared a month ago and its opening time has just come.
    now = timezone.now()
    Campaign.objects.filter(pk=copy.pk).update(
        created_at=now - timedelta(days=REPEAT_NOTICE_DAYS + 2),
        opens_at=now - timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_repeats_sweep().opened == 1
    assert copy.obligations.filter(user=person).exists()


def test_an_opening_date_moved_earlier_than_the_notice_allows_is_not_opened(
    original, admins, next_opens_at
):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    earlier = next_opens_at - timedelta(days=10)
    Campaign.objects.filter(pk=copy.pk).update(opens_at=earlier)
    assert campaign_repeats_sweep(now=earlier + timedelta(minutes=1)).opened == 0
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.DRAFT


def test_a_repeat_that_cannot_open_stays_a_draft_and_the_administrators_are_told_once(
    original, admins, it_policy, next_opens_at
):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    # After it was prepared, a newer version was published to take effect before it opens.
    PolicyVersionFactory(
        policy=it_policy,
        published=True,
        label="2.0",
        effective_date=timezone.localdate(next_opens_at) - timedelta(days=1),
    )
    campaign_repeats_sweep(now=next_opens_at)
    campaign_repeats_sweep(now=next_opens_at + timedelta(minutes=5))
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.DRAFT
    assert not copy.opens_automatically
    keys = Notification.objects.filter(dedup_key__startswith="decl-repeat-not-opened:")
    assert keys.count() == len(admins)
    assert "superseded by 2.0" in keys.first().body_text
    assert len(_events("campaign.automatic_opening_failed")) == 1


# Stopping


def test_stopping_the_repeat_before_it_is_prepared_prepares_nothing(original, admins, policy_admin):
    campaign_repeat_stop(campaign=original, by=policy_admin, reason="Part of appraisals now.")
    assert campaign_repeats_sweep().prepared == 0
    original.refresh_from_db()
    assert not original.repeats_yearly
    assert original.repeat_stopped_by == policy_admin
    assert original.repeat_stopped_reason == "Part of appraisals now."
    [event] = _events("campaign.repeat_stopped")
    assert event.actor == policy_admin
    assert event.changes["reason"] == "Part of appraisals now."


@pytest.mark.parametrize("stopped_on", ["original", "prepared"])
def test_stopping_the_repeat_keeps_the_prepared_campaign_from_opening(
    original, admins, policy_admin, next_opens_at, stopped_on
):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    campaign_repeat_stop(
        campaign=original if stopped_on == "original" else copy,
        by=policy_admin,
        reason="Merged with the security declaration.",
    )
    assert campaign_repeats_sweep(now=next_opens_at + timedelta(minutes=1)).opened == 0
    copy.refresh_from_db()
    assert copy.status == Campaign.Status.DRAFT
    assert not copy.opens_automatically
    assert not copy.repeats_yearly
    assert copy.repeat_stopped_reason == "Merged with the security declaration."
    stopped = {e.object_id for e in _events("campaign.repeat_stopped")}
    assert str(copy.pk) in stopped


def test_stopping_needs_a_reason_and_a_repeat(original, it_v1, policy_admin):
    with pytest.raises(ValidationError, match="Say why"):
        campaign_repeat_stop(campaign=original, by=policy_admin, reason="  ")
    plain = CampaignFactory(open=True, versions=[it_v1])
    with pytest.raises(ValidationError, match="does not repeat"):
        campaign_repeat_stop(campaign=plain, by=policy_admin, reason="No.")
    assert _events("campaign.repeat_stopped") == []


# Pages


def test_the_campaign_form_sets_a_campaign_to_repeat(client, policy_admin, it_v1):
    client.force_login(policy_admin)
    now = timezone.localtime()
    response = client.post(
        reverse("declarations:campaign_create"),
        {
            "name": "Annual declaration",
            "versions": [it_v1.pk],
            "statement": "I have read them.",
            "audience_all": "1",
            "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "due_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "new_starter_days": 14,
            "reminder_every_days": 7,
            "admin_escalation_days": 7,
            "repeats_yearly": "on",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Annual declaration")
    assert campaign.repeats_yearly
    page = client.get(reverse("declarations:campaign", args=[campaign.pk])).text
    assert "Repeat every year" in page
    assert "Yes: next year" in page


def test_both_pages_link_the_two_campaigns_and_say_when_it_opens(
    client, policy_admin, original, next_opens_at
):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    client.force_login(policy_admin)
    when = timezone.localdate(next_opens_at)
    copy_page = client.get(reverse("declarations:campaign", args=[copy.pk])).text
    assert f"This campaign will open automatically on {when.day} {when:%B %Y}, 09:00" in copy_page
    assert reverse("declarations:campaign", args=[original.pk]) in copy_page
    assert reverse("declarations:campaign_repeat_stop", args=[copy.pk]) in copy_page
    original_page = client.get(reverse("declarations:campaign", args=[original.pk])).text
    assert "Next year&#x27;s campaign:" in original_page or "Next year's campaign:" in (
        original_page
    )
    assert reverse("declarations:campaign", args=[copy.pk]) in original_page


def test_the_original_page_says_when_next_years_is_prepared(client, policy_admin, original):
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:campaign", args=[original.pk])).text
    today = timezone.localdate()
    assert f"will be prepared on {today.day} {today:%B %Y}" in page


def test_stopping_from_the_page_asks_for_a_reason_then_records_it(client, policy_admin, original):
    copy = campaign_repeat_prepare(campaign=original)
    assert copy is not None
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_repeat_stop", args=[copy.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "will not open by itself" in page.text
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why you are stopping the repeat." in refused.text
    done = client.post(url, {"reason": "Not needed this year."}, follow=True)
    assert "Repeat stopped" in done.text
    assert "Not needed this year." in done.text
    assert "This campaign will open automatically" not in done.text
    # Nothing left to stop: the page sends them back with why.
    again = client.get(url, follow=True)
    assert "does not repeat" in again.text


def test_only_policy_administrators_can_stop_a_repeat(client, alice, original):
    client.force_login(alice)
    url = reverse("declarations:campaign_repeat_stop", args=[original.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Mine now."}).status_code == 403
    original.refresh_from_db()
    assert original.repeats_yearly


def test_the_campaign_list_costs_the_same_with_many_repeats(
    client, policy_admin, it_v1, django_assert_num_queries
):
    from portal.testing.queries import LAYOUT_QUERIES

    for _ in range(15):
        first = CampaignFactory(open=True, repeats_yearly=True, versions=[it_v1])
        CampaignFactory(
            repeats_yearly=True, repeat_of=first, opens_automatically=True, versions=[it_v1]
        )
    client.force_login(policy_admin)
    url = reverse("declarations:campaigns")
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        response = client.get(url)
    assert "Repeat of" in response.text
    assert "Repeats every year" in response.text
