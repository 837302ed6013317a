"""The retention sweep: what is past its period goes, what is not stays, nothing under a hold is
touched and the refusal is recorded, each disposal is an audit event naming nobody, and the
audit trail still verifies. Shown on the portal's own outbox; staff import files have their
own tests in staffimport/tests/test_retention.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from axes.models import AccessLog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.registry import RetentionRule, registry
from portal.retention import NOTIFICATIONS_KEY, SIGN_INS_KEY
from portal.services.audit import audit_verify
from portal.services.holds import HoldRefused, legal_hold_lift, legal_hold_place
from portal.services.retention import (
    RETENTION_SWEEP,
    RecordHeld,
    months_before,
    period_words,
    record_erase,
    retention_dispose,
)

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
SENT = Notification.Status.SENT


def _message(person, *, age_days: int, status=SENT, key: str = "") -> Notification:
    row = Notification.objects.create(
        dedup_key=key or f"t:{person.pk}:{age_days}:{Notification.objects.count()}",
        recipient=person,
        to_email=person.email,
        subject=f"Reminder for {person.full_name}",
        body_text=f"Dear {person.full_name}",
        status=status,
    )
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    return row


SEVEN_YEARS = 7 * 366
FIVE_YEARS = 5 * 365


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def test_sent_messages_past_their_period_are_disposed_of_and_recent_ones_kept(alice):
    old = _message(alice, age_days=SEVEN_YEARS)
    recent = _message(alice, age_days=FIVE_YEARS)
    pending = _message(alice, age_days=SEVEN_YEARS, status=Notification.Status.PENDING)

    assert retention_dispose() == 1

    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {recent.pk, pending.pk} <= remaining  # a pending message is still owed to someone
    [event] = _events("retention.disposed")
    assert event.changes["record_type"] == NOTIFICATIONS_KEY
    assert event.changes["count"] == 1
    assert event.changes["kept_for"] == "6 years"
    assert event.object_repr == "Emails and notifications the portal sent"
    assert event.actor is None
    assert event.actor_label == "system"


def test_the_disposal_event_names_nobody_and_holds_nothing_the_records_held(alice, bob):
    for person in (alice, bob):
        _message(person, age_days=SEVEN_YEARS)
    retention_dispose()
    [event] = _events("retention.disposed")
    text = " ".join(
        str(value)
        for value in (event.changes, event.object_repr, event.object_id, event.actor_label)
    )
    for person in (alice, bob):
        assert person.email not in text
        assert person.full_name not in text
        assert str(person.pk) != event.object_id
    assert "Reminder" not in text
    assert "Dear" not in text


def test_running_twice_disposes_of_nothing_the_second_time(alice):
    _message(alice, age_days=SEVEN_YEARS)
    assert retention_dispose() == 1
    assert retention_dispose() == 0
    assert len(_events("retention.disposed")) == 1


def test_the_audit_trail_still_verifies_after_a_disposal(alice):
    _message(alice, age_days=SEVEN_YEARS)
    legal_hold_place(record_type=SIGN_INS_KEY, reason="Investigation 7", by=alice)
    retention_dispose()
    checked, bad, problem = audit_verify()
    assert (bad, problem) == (None, "")
    assert checked == AuditEvent.objects.count() >= 2


def test_the_organisations_period_is_the_one_used(alice):
    row = _message(alice, age_days=3 * 366)
    assert retention_dispose() == 0
    OrganisationSettings.objects.update_or_create(
        pk=1, defaults={"retention_months": {NOTIFICATIONS_KEY: 24}}
    )
    assert retention_dispose() == 1
    assert not Notification.objects.filter(pk=row.pk).exists()
    assert _events("retention.disposed")[0].changes["kept_for"] == "2 years"


def test_a_hold_on_one_record_keeps_it_and_the_sweep_records_why(alice, dpo):
    held = _message(alice, age_days=SEVEN_YEARS)
    other = _message(alice, age_days=SEVEN_YEARS)
    legal_hold_place(
        record_type=NOTIFICATIONS_KEY, object_id=str(held.pk), reason="FOI-2026-113", by=dpo
    )

    assert retention_dispose() == 1

    assert Notification.objects.filter(pk=held.pk).exists()
    assert not Notification.objects.filter(pk=other.pk).exists()
    [kept] = _events("retention.kept_under_hold")
    assert kept.changes["count"] == 1
    assert kept.changes["record_type"] == NOTIFICATIONS_KEY
    assert any("FOI-2026-113" in reason for reason in kept.changes["held_by"])
    assert alice.email not in str(kept.changes)


def test_a_hold_on_a_kind_of_record_keeps_every_one_until_it_is_lifted(alice, dpo):
    rows = [_message(alice, age_days=SEVEN_YEARS) for _ in range(3)]
    hold = legal_hold_place(record_type=NOTIFICATIONS_KEY, reason="Litigation L-4", by=dpo)

    assert retention_dispose() == 0
    assert Notification.objects.filter(pk__in=[r.pk for r in rows]).count() == 3
    assert _events("retention.kept_under_hold")[0].changes["count"] == 3

    legal_hold_lift(hold=hold, reason="Claim settled", by=dpo)
    assert retention_dispose() == 3


def test_placing_and_lifting_a_hold_is_on_the_audit_trail(dpo):
    hold = legal_hold_place(record_type=NOTIFICATIONS_KEY, reason="SAR 2026-9", by=dpo)
    legal_hold_lift(hold=hold, reason="Answered", by=dpo, ip="10.0.0.5")
    placed, lifted = _events("hold.placed") + _events("hold.lifted")
    assert placed.actor == dpo
    assert placed.changes["reason"] == "SAR 2026-9"
    assert placed.changes["covers"] == "Every record: Emails and notifications the portal sent"
    assert (lifted.changes["reason"], lifted.ip_address) == ("Answered", "10.0.0.5")
    hold.refresh_from_db()
    assert not hold.is_open
    with pytest.raises(HoldRefused, match="already been lifted"):
        legal_hold_lift(hold=hold, reason="Again", by=dpo)


def test_a_hold_must_name_a_real_record_and_give_a_reason(dpo):
    with pytest.raises(HoldRefused, match="no record 999999"):
        legal_hold_place(record_type=NOTIFICATIONS_KEY, object_id="999999", reason="FOI 1", by=dpo)
    with pytest.raises(HoldRefused, match="Say why"):
        legal_hold_place(record_type=NOTIFICATIONS_KEY, reason="  ", by=dpo)
    with pytest.raises(HoldRefused, match="kind of record"):
        legal_hold_place(record_type="portal.audit", reason="FOI 1", by=dpo)


def test_erasing_a_held_record_is_refused_and_the_refusal_recorded_with_the_reason(alice, dpo):
    row = _message(alice, age_days=10)
    legal_hold_place(
        record_type=NOTIFICATIONS_KEY, object_id=str(row.pk), reason="FOI-2026-200", by=dpo
    )
    with pytest.raises(RecordHeld, match="FOI-2026-200"):
        record_erase(obj=row, by=dpo, reason="Erasure request ER-12")
    assert Notification.objects.filter(pk=row.pk).exists()
    [refused] = _events("retention.record_erasure_refused")
    assert refused.actor == dpo
    assert refused.changes["reason"] == "Erasure request ER-12"
    assert refused.changes["held_by"][0].startswith("Hold ")
    assert "FOI-2026-200" in refused.changes["held_by"][0]


def test_erasing_a_record_under_no_hold_disposes_of_it_and_says_so(alice, dpo):
    row = _message(alice, age_days=10)
    assert record_erase(obj=row, by=dpo, reason="Erasure request ER-13") == 1
    assert not Notification.objects.filter(pk=row.pk).exists()
    assert _events("retention.record_erased")[0].changes["record_type"] == NOTIFICATIONS_KEY


def test_an_apps_own_holds_are_kept_too(alice):
    """An app may have holds of its own (the chat groups' holds on clear-downs): the rule's
    `held` test keeps what it returns."""
    keep = _message(alice, age_days=SEVEN_YEARS, key="keep-me")
    gone = _message(alice, age_days=SEVEN_YEARS)
    rule = registry.retention[NOTIFICATIONS_KEY]
    own = RetentionRule(
        "test.own_holds",
        "Test messages",
        model="portal.notification",
        due=rule.due,
        dispose=rule.dispose,
        held=lambda due: due.filter(dedup_key="keep-me"),
    )
    saved = dict(registry.retention)
    registry.retention = {own.key: own}
    try:
        assert retention_dispose() == 1
    finally:
        registry.retention = saved
    assert Notification.objects.filter(pk=keep.pk).exists()
    assert not Notification.objects.filter(pk=gone.pk).exists()
    assert _events("retention.kept_under_hold")[0].changes["count"] == 1


def test_old_sign_in_records_are_disposed_of(alice):
    old = AccessLog.objects.create(username=alice.email, ip_address="10.0.0.1", user_agent="x")
    recent = AccessLog.objects.create(username=alice.email, ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=800))
    assert retention_dispose() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert alice.email not in str(_events("retention.disposed")[0].changes)


def _disposal_queries(person, count: int) -> int:
    for _ in range(count):
        _message(person, age_days=SEVEN_YEARS)
    with CaptureQueriesContext(connection) as queries:
        assert retention_dispose(batch_size=1000) == count
    return len(queries)


def test_a_batch_of_many_rows_takes_as_many_queries_as_a_batch_of_one(
    alice, django_assert_num_queries
):
    OrganisationSettings.load()  # created once, before either run is counted
    one = _disposal_queries(alice, 1)
    for _ in range(200):
        _message(alice, age_days=SEVEN_YEARS)
    with django_assert_num_queries(one):
        assert retention_dispose(batch_size=1000) == 200


def test_work_goes_in_batches_each_with_its_own_event(alice):
    for _ in range(5):
        _message(alice, age_days=SEVEN_YEARS)
    assert retention_dispose(batch_size=2) == 5
    assert [e.changes["count"] for e in _events("retention.disposed")] == [2, 2, 1]


def test_a_second_sweep_finding_the_lock_taken_leaves_at_once(alice):
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    _message(alice, age_days=SEVEN_YEARS)
    # Another session holds the sweep's lock, as a second worker at work would.
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [RETENTION_SWEEP.id])
            assert retention_dispose() == 0
            # Released by the other session itself: closing it frees the lock only once its
            # server process has gone, which may be after the next sweep starts.
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RETENTION_SWEEP.id])
    finally:
        other.close()
    assert retention_dispose() == 1


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        # The 31st of March, a month back, is the last day of February.
        (datetime(2026, 3, 31, 2, 30, tzinfo=UK), 1, datetime(2026, 2, 28, 2, 30, tzinfo=UK)),
        # Summer time then, winter time now: the same clock time, not the same UTC time.
        (datetime(2026, 12, 1, 12, 0, tzinfo=UK), 72, datetime(2020, 12, 1, 12, 0, tzinfo=UK)),
        (datetime(2026, 7, 1, 12, 0, tzinfo=UK), 6, datetime(2026, 1, 1, 12, 0, tzinfo=UK)),
        (datetime(2024, 2, 29, 9, 0, tzinfo=UK), 12, datetime(2023, 2, 28, 9, 0, tzinfo=UK)),
    ],
)
def test_a_period_is_counted_in_calendar_months_in_uk_time(now, months, expected):
    assert months_before(now, months) == expected


def test_periods_read_in_words():
    assert [period_words(m) for m in (12, 18, 72, 5)] == [
        "1 year",
        "1 year and 6 months",
        "6 years",
        "5 months",
    ]
