"""The social media reminders, run by the sweep beat starts every fifteen minutes
(socialmedia/tasks.py).

Three kinds, each sent once per occasion:
- a password change due (paragraph 23: the password changes when the team does): the owner and
  the Chief Executive are reminded every `social_rotation_reminder_days` days counted from
  `rotation_due_since`, until a new password is recorded (which clears it). The notice when it
  first fell due is sent by the change that caused it; the first reminder here is N days on.
- a review due: the owner is reminded once its date has passed;
- a review overdue: still not done REVIEW_OVERDUE_AFTER after its date, the Chief Executive is
  told, once for that date.

Catching up after an outage sends the latest occasion only, never a burst: an account whose
password has been due for five weeks while nothing ran gets its fifth weekly reminder, and the
four before it are never sent. With nobody in the Chief Executive role, their reminders go to
the organisation's Chief Executive mailbox; with no mailbox either, nothing is claimed, and the
reminder goes once someone holds the role.

Why it never sends twice: each occasion is a Reminder row (unique account, kind and slot)
inserted with ON CONFLICT DO NOTHING in the same transaction as its emails and audit event, and
only the occasions this insert created are sent. Accounts are found by comparing instants
(`<= now`), never days, so a sweep that was down catches up on its return; they are taken in
batches locked with SKIP LOCKED (portal.lib.sweeps), so two sweeps never work on the same row at
once; and an advisory lock keeps a second sweep from starting while one runs.

A batch costs a fixed number of queries whatever its size, and the sweep holds one batch at a
time: constant memory over any number of accounts. One audit event per batch that sent
something, in that batch's transaction; a run that sends nothing writes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import in_locked_batches
from portal.lib.uktime import long_datetime
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account, Reminder
from socialmedia.outbox import reminder_message_key, review_slot, rotation_slot
from socialmedia.selectors import chief_executive_recipients
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER

# Accounts per batch: three or four emails each.
BATCH_SIZE = 500
SWEEP_LOCK = AdvisoryLock("socialmedia.reminders")
Kind = Reminder.Kind


@dataclass
class RemindersResult:
    rotation_reminders: int = 0
    reviews_due: int = 0
    reviews_overdue: int = 0
    emails: int = 0
    locked_out: bool = False


def social_media_sweep(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> RemindersResult:
    """Send every password change and review reminder that has fallen due."""
    now = now or timezone.now()
    result = RemindersResult()
    with single_run(SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.locked_out = True
            return result
        executives = chief_executive_recipients()
        rotations_remind(
            now=now,
            every=timedelta(days=OrganisationSettings.load().social_rotation_reminder_days),
            executives=executives,
            result=result,
            batch_size=batch_size,
        )
        reviews_remind(now=now, result=result, batch_size=batch_size)
        reviews_overdue_tell(now=now, executives=executives, result=result, batch_size=batch_size)
    return result


# --- SQL helpers ------------------------------------------------------------------------------


class _InstantText(Func):
    """An instant as outbox.instant writes it ("20260310T120000.000000Z", UTC), in SQL, so a
    query can name an occasion's slot."""

    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS.US"Z"')"""
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps an instant on SQLite as UTC text, "2026-03-10 12:00:00[.123456]". The
        # doubled %% survives both this formatting and the backend's own.
        template = (
            "strftime('%%%%Y%%%%m%%%%dT%%%%H%%%%M%%%%S', %(expressions)s) || '.' || "
            "substr(%(expressions)s || '.000000', 21, 6) || 'Z'"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class _PeriodsSince(Func):
    """Whole periods of `seconds` from the instant `since` to the instant `now`: which reminder
    is the latest due. Worked out once, in SQL, and read back by the sweep, so the query and the
    slot it claims never disagree at a boundary."""

    output_field = IntegerField()

    def __init__(self, since: Any, *, now: datetime, seconds: int) -> None:
        super().__init__(since, Value(now, output_field=DateTimeField()), Value(seconds))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        since_sql, since_params = compiler.compile(self.source_expressions[0])
        now_sql, now_params = compiler.compile(self.source_expressions[1])
        seconds_sql, seconds_params = compiler.compile(self.source_expressions[2])
        if connection.vendor == "postgresql":
            sql = f"FLOOR(EXTRACT(EPOCH FROM ({now_sql} - {since_sql})) / {seconds_sql})::integer"
        else:
            sql = (
                f"CAST((julianday({now_sql}) - julianday({since_sql})) * 86400.0 "
                f"/ {seconds_sql} AS INTEGER)"
            )
        return sql, (*now_params, *since_params, *seconds_params)


def _reminded(kind: str, slot: Any) -> Exists:
    """Whether the outer account already had the reminder of `kind` for `slot`."""
    return Exists(Reminder.objects.filter(account_id=OuterRef("pk"), kind=kind, slot=slot))


# --- The ledger ---------------------------------------------------------------------------


@dataclass
class _Occasion:
    account: Account
    kind: str
    slot: str
    messages: list[Message] = field(default_factory=list)


def _claim(occasions: list[_Occasion], now: datetime) -> list[_Occasion]:
    """Write the ledger rows of these occasions and return those this call wrote: one already
    there (sent before, or by a sweep that committed first) is not sent again. One statement;
    ON CONFLICT ... RETURNING is PostgreSQL's and SQLite's (3.35 and later)."""
    if not occasions:
        return []
    qn = connection.ops.quote_name
    table = qn(Reminder._meta.db_table)
    fields = {f.name: f for f in Reminder._meta.concrete_fields}
    names = ("account", "kind", "slot", "sent_at")
    columns = ", ".join(qn(fields[name].column) for name in names)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(occasions))
    sent_at = fields["sent_at"].get_db_prep_save(now, connection)
    params: list[Any] = []
    for occasion in occasions:
        params += [occasion.account.pk, occasion.kind, occasion.slot, sent_at]
    unique = ", ".join(qn(fields[name].column) for name in ("account", "kind", "slot"))
    account_col, slot_col = qn(fields["account"].column), qn(fields["slot"].column)
    # Only quoted names from the model's own metadata are formatted in; values are params.
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
    sql += f"ON CONFLICT ({unique}) DO NOTHING RETURNING {account_col}, {slot_col}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = set(cursor.fetchall())
    return [o for o in occasions if (o.account.pk, o.slot) in written]


def _send(occasions: list[_Occasion], *, now: datetime, result: RemindersResult) -> int:
    """Claim the occasions and, for those claimed, queue their emails and write one audit event
    naming them: all in the batch's transaction. Returns how many were claimed."""
    claimed = _claim(occasions, now)
    if not claimed:
        return 0
    messages = [message for occasion in claimed for message in occasion.messages]
    queued = notifications_queue_many(messages=messages, batch_size=max(len(messages), 1))
    result.emails += queued
    audit_record(
        verb=SocialEvent.REMINDERS_SENT,
        changes={
            "kind": claimed[0].kind,
            "accounts": [occasion.account.pk for occasion in claimed],
            "reminders": len(claimed),
            "emails": queued,
        },
    )
    return len(claimed)


def _recipient_id(person: User | str) -> int | str:
    return person.lower() if isinstance(person, str) else person.pk


def _messages(
    occasion: _Occasion,
    people: list[User | str],
    *,
    template: str,
    url: str,
    context: dict[str, Any],
) -> list[Message]:
    seen: set[int | str] = set()
    messages = []
    for person in people:
        recipient = _recipient_id(person)
        if recipient in seen:
            continue  # the owner who is also the Chief Executive gets one email
        seen.add(recipient)
        messages.append(
            Message(
                to=person,
                template=template,
                dedup_key=reminder_message_key(
                    occasion.account.pk, occasion.kind, occasion.slot, recipient
                ),
                url=url,
                context={**context, "for_owner": person == occasion.account.owner},
            )
        )
    return messages


def _account_context(account: Account) -> dict[str, Any]:
    # Names only: nothing from the credential register ever goes into an email.
    return {
        "account_name": account.name,
        "handle": account.handle,
        "platform": account.platform_name,
        "owner_name": account.owner.full_name,
    }


def _owner(account: Account) -> list[User | str]:
    return [account.owner] if account.owner.is_active else []


# --- Password changes due -----------------------------------------------------------------


def rotations_due(now: datetime, every: timedelta) -> QuerySet[Account]:
    """Running accounts whose password has been due for a change at least one reminder period,
    whose latest reminder (the number of whole periods since it fell due) is not yet sent."""
    number = _PeriodsSince(F("rotation_due_since"), now=now, seconds=int(every.total_seconds()))
    slot = Concat(
        _InstantText(OuterRef("rotation_due_since")),
        Value(":"),
        Cast(OuterRef("number"), CharField()),
        output_field=CharField(),
    )
    return (
        Account.objects.running()
        .filter(rotation_due_since__lte=now - every)
        .annotate(number=number)
        .filter(~_reminded(Kind.ROTATION_DUE, slot))
        .select_related("owner")
    )


def rotations_remind(
    *,
    now: datetime,
    every: timedelta,
    executives: list[User | str],
    result: RemindersResult,
    batch_size: int = BATCH_SIZE,
) -> None:
    if not executives:
        return  # left for when someone holds the role, rather than marked reminded

    def handle(accounts: list[Account]) -> None:
        occasions = []
        for account in accounts:
            due_since = account.rotation_due_since
            assert due_since is not None  # chosen by the filter above
            number: int = account.number  # type: ignore[attr-defined]
            occasion = _Occasion(account, Kind.ROTATION_DUE, rotation_slot(due_since, number))
            occasion.messages = _messages(
                occasion,
                [*_owner(account), *executives],
                template=SocialEmail.ROTATION_REMINDER,
                url=reverse("socialmedia:account", args=[account.pk]),
                context={
                    **_account_context(account),
                    "due_since": long_datetime(due_since),
                    "why": account.rotation_due_reason,
                    "days": (now - due_since).days,
                    "number": number,
                },
            )
            occasions.append(occasion)
        result.rotation_reminders += _send(occasions, now=now, result=result)

    in_locked_batches(
        rotations_due(now, every), handle, size=batch_size, name="Social media password reminders"
    )


# --- Reviews ------------------------------------------------------------------------------


def reviews_due(now: datetime) -> QuerySet[Account]:
    """Running accounts with an owner still here whose review date has passed and whose owner
    was not yet reminded of that date."""
    return (
        Account.objects.running()
        .filter(review_due_at__lte=now, owner__is_active=True)
        .filter(~_reminded(Kind.REVIEW_DUE, _InstantText(OuterRef("review_due_at"))))
        .select_related("owner")
    )


def reviews_remind(*, now: datetime, result: RemindersResult, batch_size: int = BATCH_SIZE) -> None:
    def handle(accounts: list[Account]) -> None:
        occasions = []
        for account in accounts:
            due_at = account.review_due_at
            assert due_at is not None  # chosen by the filter above
            occasion = _Occasion(account, Kind.REVIEW_DUE, review_slot(due_at))
            occasion.messages = _messages(
                occasion,
                [account.owner],
                template=SocialEmail.REVIEW_DUE,
                url=reverse("socialmedia:review", args=[account.pk]),
                context={
                    **_account_context(account),
                    "due_at": long_datetime(due_at),
                    "ce_told_after_days": REVIEW_OVERDUE_AFTER.days,
                },
            )
            occasions.append(occasion)
        result.reviews_due += _send(occasions, now=now, result=result)

    in_locked_batches(reviews_due(now), handle, size=batch_size, name="Social media reviews due")


def reviews_overdue(now: datetime) -> QuerySet[Account]:
    """Running accounts whose review is REVIEW_OVERDUE_AFTER late and the Chief Executive not
    yet told of that date."""
    return (
        Account.objects.running()
        .filter(review_due_at__lte=now - REVIEW_OVERDUE_AFTER)
        .filter(~_reminded(Kind.REVIEW_OVERDUE, _InstantText(OuterRef("review_due_at"))))
        .select_related("owner")
    )


def reviews_overdue_tell(
    *,
    now: datetime,
    executives: list[User | str],
    result: RemindersResult,
    batch_size: int = BATCH_SIZE,
) -> None:
    if not executives:
        return  # left for when someone holds the role

    def handle(accounts: list[Account]) -> None:
        occasions = []
        for account in accounts:
            due_at = account.review_due_at
            assert due_at is not None  # chosen by the filter above
            occasion = _Occasion(account, Kind.REVIEW_OVERDUE, review_slot(due_at))
            occasion.messages = _messages(
                occasion,
                executives,
                template=SocialEmail.REVIEW_OVERDUE,
                url=reverse("socialmedia:account", args=[account.pk]),
                context={
                    **_account_context(account),
                    "due_at": long_datetime(due_at),
                    "days_late": (now - due_at).days,
                    "owner_left": not account.owner.is_active,
                    "last_reviewed": (
                        long_datetime(account.last_reviewed_at) if account.last_reviewed_at else ""
                    ),
                },
            )
            occasions.append(occasion)
        result.reviews_overdue += _send(occasions, now=now, result=result)

    in_locked_batches(
        reviews_overdue(now), handle, size=batch_size, name="Social media reviews overdue"
    )
