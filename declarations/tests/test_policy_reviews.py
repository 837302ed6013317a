"""Policies carry a review date; the owner is reminded before it and told when it has passed,
each once per review date, and recording a review sets the next date."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Policy, PolicyVersion, a_year_after
from declarations.services.policies import policy_create, policy_update, policy_version_create
from declarations.services.reviews import (
    REVIEW_REMINDER_DAYS,
    policy_review_record,
    policy_reviews_remind,
    review_overdue_at,
    review_reminder_at,
)
from declarations.tasks import policy_reviews_remind_task
from declarations.tests.factories import PolicyFactory, PolicyVersionFactory
from portal.lib.uktime import start_of_day
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(
        full_name="Olive Owner", email="olive@example.org", roles=[Role.POLICY_ADMIN]
    )


def _policy(by, owner, review_date: date) -> Policy:
    """A policy due for review on `review_date`, made as the form makes one (today's rules let
    a date in the past be set only directly)."""
    policy = policy_create(by=by, title="Clear desk", owner=owner)
    Policy.objects.filter(pk=policy.pk).update(
        review_date=review_date, next_review_reminder_at=review_reminder_at(review_date)
    )
    policy.refresh_from_db()
    return policy


def _sent(prefix: str = "policy-review"):
    return Notification.objects.filter(dedup_key__startswith=prefix).order_by("pk")


# ---- The review date ---------------------------------------------------------------------


def test_a_new_policy_is_due_for_review_a_year_from_today(policy_admin, owner):
    policy = policy_create(by=policy_admin, title="Clear desk", owner=owner)
    today = timezone.localdate()
    assert policy.review_date == a_year_after(today)
    reminder = start_of_day(policy.review_date - timedelta(days=REVIEW_REMINDER_DAYS))
    assert policy.next_review_reminder_at == reminder
    event = AuditEvent.objects.get(verb=DeclarationEvent.POLICY_CREATED)
    assert event.changes["review_date"] == policy.review_date.isoformat()


def test_a_review_date_in_the_past_is_refused(policy_admin):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        policy_create(by=policy_admin, title="Clear desk", review_date=yesterday)
    policy = PolicyFactory()
    with pytest.raises(ValidationError, match="cannot be in the past"):
        policy_update(
            policy=policy,
            by=policy_admin,
            title=policy.title,
            summary="",
            owner=None,
            review_date=yesterday,
        )


def test_the_form_refuses_a_past_date_but_keeps_an_overdue_one_while_details_change(
    client, policy_admin, owner
):
    overdue = timezone.localdate() - timedelta(days=3)
    policy = _policy(policy_admin, owner, overdue)
    client.force_login(policy_admin)
    url = reverse("declarations:policy_edit", args=[policy.slug])
    form = {
        "title": "Clear desk rules",
        "slug": policy.slug,
        "owner": owner.pk,
        "review_date": overdue.isoformat(),
    }
    assert client.post(url, form).status_code == 302
    policy.refresh_from_db()
    assert (policy.title, policy.review_date) == ("Clear desk rules", overdue)
    earlier = overdue - timedelta(days=1)
    response = client.post(url, {**form, "review_date": earlier.isoformat()})
    assert response.status_code == 200
    assert "The review date cannot be in the past." in response.text
    policy.refresh_from_db()
    assert policy.review_date == overdue


def test_the_new_policy_form_offers_a_year_from_today(client, policy_admin):
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:policy_create"))
    assert f'value="{a_year_after(timezone.localdate()).isoformat()}"' in response.text


# ---- The sweep ---------------------------------------------------------------------------


def test_the_owner_is_reminded_once_before_the_review_date(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=40)
    policy = _policy(policy_admin, owner, review)
    # Not yet: the reminder is due REVIEW_REMINDER_DAYS before the review date.
    assert policy_reviews_remind().due == 0
    at = review_reminder_at(review) + timedelta(minutes=5)
    assert policy_reviews_remind(now=at).due == 1
    assert policy_reviews_remind(now=at).due == 0
    assert policy_reviews_remind(now=at + timedelta(days=10)).due == 0
    (message,) = _sent()
    assert message.recipient == owner
    assert message.subject.startswith("Clear desk is due for review by")
    assert message.url == reverse("declarations:admin_policy", args=[policy.slug])
    policy.refresh_from_db()
    assert policy.next_review_reminder_at == review_overdue_at(review)
    event = AuditEvent.objects.get(verb=DeclarationEvent.POLICY_REVIEW_REMINDERS_QUEUED)
    assert event.changes == {"policies": {"due": [policy.pk]}}


def test_the_owner_is_told_once_when_the_review_is_overdue(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=5)
    policy = _policy(policy_admin, owner, review)
    policy_reviews_remind()  # the reminder, inside the reminder period
    # The last minute of the review date: not yet overdue.
    assert policy_reviews_remind(now=review_overdue_at(review) - timedelta(minutes=1)).overdue == 0
    after = review_overdue_at(review) + timedelta(minutes=1)
    assert policy_reviews_remind(now=after).overdue == 1
    assert policy_reviews_remind(now=after + timedelta(days=30)).overdue == 0
    assert [m.dedup_key.split(":")[0] for m in _sent()] == [
        "policy-review-due",
        "policy-review-overdue",
    ]
    assert _sent("policy-review-overdue").get().subject.startswith("Review overdue: Clear desk")
    policy.refresh_from_db()
    assert policy.next_review_reminder_at is None


def test_a_sweep_back_after_the_review_date_sends_only_the_overdue_notice(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=40)
    _policy(policy_admin, owner, review)
    result = policy_reviews_remind(now=review_overdue_at(review) + timedelta(days=2))
    assert (result.due, result.overdue) == (0, 1)
    assert [m.dedup_key.split(":")[0] for m in _sent()] == ["policy-review-overdue"]


def test_a_new_owner_hears_of_the_review_and_the_old_one_hears_no_more(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=10)
    policy = _policy(policy_admin, owner, review)
    policy_reviews_remind()
    successor = UserFactory(full_name="Sam Successor", roles=[Role.POLICY_ADMIN])
    policy_update(policy=policy, by=policy_admin, title=policy.title, summary="", owner=successor)
    assert policy_reviews_remind().due == 1
    assert policy_reviews_remind().due == 0
    assert [m.recipient for m in _sent()] == [owner, successor]
    policy_reviews_remind(now=review_overdue_at(review))
    assert _sent("policy-review-overdue").get().recipient == successor


def test_with_no_owner_every_policy_administrator_is_told(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=10)
    policy = _policy(policy_admin, None, review)
    policy_reviews_remind()
    assert sorted(m.recipient.email for m in _sent()) == ["hr@example.org", "olive@example.org"]
    assert all("No policy administrator owns" in m.body_text for m in _sent())
    # An owner who has left counts as none.
    owner.is_active = False
    owner.save()
    Policy.objects.filter(pk=policy.pk).update(owner=owner)
    policy_reviews_remind(now=review_overdue_at(review))
    assert [m.recipient.email for m in _sent("policy-review-overdue")] == ["hr@example.org"]


def test_recording_a_review_sets_the_next_date_which_earns_its_own_reminders(policy_admin, owner):
    review = timezone.localdate() + timedelta(days=10)
    policy = _policy(policy_admin, owner, review)
    policy_reviews_remind()
    next_date = review + timedelta(days=365)
    policy = policy_review_record(
        policy=policy, by=policy_admin, next_review_date=next_date, note=" No change needed. "
    )
    assert policy.review_date == next_date
    assert policy.last_reviewed_by == policy_admin
    assert policy.last_reviewed_at is not None
    event = AuditEvent.objects.get(verb=DeclarationEvent.POLICY_REVIEWED)
    assert event.actor == policy_admin
    assert event.changes == {
        "review_date": {"from": review.isoformat(), "to": next_date.isoformat()},
        "note": "No change needed.",
    }
    # Nothing until the new date's reminder period, then once.
    assert policy_reviews_remind(now=review_overdue_at(review)).overdue == 0
    assert policy_reviews_remind(now=review_reminder_at(next_date)).due == 1
    assert _sent("policy-review-due").count() == 2


def test_the_next_review_date_must_be_after_today(policy_admin):
    with pytest.raises(ValidationError, match="after today"):
        policy_review_record(
            policy=PolicyFactory(), by=policy_admin, next_review_date=timezone.localdate()
        )


def test_the_task_runs_the_sweep_and_beat_runs_the_task(policy_admin, owner):
    _policy(policy_admin, owner, timezone.localdate() + timedelta(days=3))
    assert policy_reviews_remind_task() == {"due": 1, "overdue": 0, "skipped": False}
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "declarations.tasks.policy_reviews_remind_task" in tasks


# ---- Pages -------------------------------------------------------------------------------


def test_the_lists_and_the_policy_page_show_the_review_date_and_overdue_in_red(
    client, policy_admin, owner
):
    overdue = _policy(policy_admin, owner, timezone.localdate() - timedelta(days=2))
    PolicyFactory(title="Later", slug="later")
    client.force_login(policy_admin)
    listing = client.get(reverse("declarations:admin_policies")).text
    assert listing.count('<span class="badge badge-overdue">Review overdue</span>') == 1
    page = client.get(reverse("declarations:admin_policy", args=[overdue.slug])).text
    assert '<span class="badge badge-overdue">Review overdue</span>' in page
    assert "Record a review" in page


def test_an_administrator_records_a_review_on_its_page(client, policy_admin, owner):
    policy = _policy(policy_admin, owner, timezone.localdate() - timedelta(days=2))
    client.force_login(policy_admin)
    url = reverse("declarations:policy_review", args=[policy.slug])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"next_review_date": ""})
    assert "Enter the date the policy is next due for review." in missing.text
    next_date = timezone.localdate() + timedelta(days=300)
    response = client.post(url, {"next_review_date": next_date.isoformat(), "note": "Fine."})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.review_date == next_date
    page = client.get(reverse("declarations:admin_policy", args=[policy.slug])).text
    assert "Review overdue" not in page
    assert "by Priya Policy" in page


def test_the_review_page_offers_a_year_after_the_version_in_effect(client, policy_admin):
    policy = PolicyFactory(slug="it")
    took_effect = timezone.localdate() - timedelta(days=30)
    PolicyVersionFactory(policy=policy, published=True, effective_date=took_effect)
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:policy_review", args=["it"]))
    assert f'value="{a_year_after(took_effect).isoformat()}"' in response.text


def test_only_policy_administrators_can_record_a_review(client, alice, policy_admin):
    policy = PolicyFactory(slug="it")
    PolicyVersionFactory(policy=policy, published=True)
    url = reverse("declarations:policy_review", args=["it"])
    client.force_login(alice)
    next_date = (timezone.localdate() + timedelta(days=300)).isoformat()
    assert client.get(url).status_code == 403
    assert client.post(url, {"next_review_date": next_date}).status_code == 403
    assert not AuditEvent.objects.filter(verb=DeclarationEvent.POLICY_REVIEWED).exists()
    client.force_login(policy_admin)
    assert client.get(reverse("declarations:policy_review", args=["nope"])).status_code == 404


def test_the_administrators_policy_list_runs_a_fixed_number_of_queries_with_many_policies(
    client, policy_admin, owner, django_assert_num_queries
):
    today = timezone.localdate()
    for n in range(60):
        policy = PolicyFactory(
            slug=f"p{n}", owner=owner, review_date=today + timedelta(days=n - 30)
        )
        PolicyVersionFactory(policy=policy, published=True)
    client.force_login(policy_admin)
    url = reverse("declarations:admin_policies")
    client.get(url)
    # The layout, the count for the pages, then the page of policies.
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        response = client.get(url)
    assert response.text.count("Review overdue") > 0
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        assert client.get(url, {"page": 2}).status_code == 200


def test_the_migration_dates_existing_policies_from_their_version_in_effect(policy_admin):
    migration = importlib.import_module(
        "declarations.migrations.0009_version_approval_and_review_dates"
    )
    took_effect = timezone.localdate() - timedelta(days=100)
    policy = PolicyFactory(slug="it")
    PolicyVersionFactory(policy=policy, published=True, effective_date=took_effect)
    never = PolicyFactory(slug="drafts-only")
    drafted = policy_version_create(
        policy=never,
        by=policy_admin,
        label="1.0",
        effective_date=timezone.localdate(),
        body_markdown="Text.",
    )
    PolicyVersion.objects.filter(pk=drafted.pk).update(created_by=None)

    migration.review_dates_and_authors(django_apps, None)

    policy.refresh_from_db()
    assert policy.review_date == a_year_after(took_effect)
    assert policy.next_review_reminder_at == review_reminder_at(policy.review_date)
    never.refresh_from_db()
    assert never.review_date == a_year_after(timezone.localdate(never.created_at))
    drafted.refresh_from_db()
    assert drafted.created_by == policy_admin
