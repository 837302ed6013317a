"""The notification outbox: queue messages with the change that causes them, deliver after commit.

A message is rendered when it is queued, so the row is a record of exactly what was sent.
Rows are inserted with `ON CONFLICT (dedup_key) DO NOTHING RETURNING id`, so a key used before,
even by a concurrent transaction, makes no second row, and only the rows this call really
created get a delivery task after commit.

Delivery claims a row with a conditional UPDATE (PENDING -> SENDING); whoever loses the race
sends nothing, so a delivery task that runs twice sends once. A sweep re-queues rows whose
delivery never ran (broker down) or whose claim ran out (worker killed mid-send).
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from portal.models import Notification, OrganisationSettings, User

log = logging.getLogger(__name__)

# Longer than any one send can take (EMAIL_TIMEOUT bounds the mail server), so a claim only
# runs out when the worker holding it has died.
CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8
# A row still pending this long after it was written has lost its delivery task.
LOST_AFTER = timedelta(minutes=2)
DELIVERY_BATCH = 200
INSERT_BATCH = 500
_key_length = Notification._meta.get_field("dedup_key").max_length
assert _key_length is not None  # dedup_key is a CharField, which always has a max_length
_KEY_MAX: int = _key_length


def _backoff(attempts: int) -> timedelta:
    # 1, 2, 4 ... minutes, capped at 30: always well inside the broker's visibility timeout.
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 30))


def _key(dedup_key: str) -> str:
    # Cutting a long key short could make two different events share one, and the second
    # would silently never be sent; a digest keeps long keys distinct.
    if not dedup_key:
        raise ValueError("A notification needs a deduplication key.")
    if len(dedup_key) <= _KEY_MAX:
        return dedup_key
    digest = hashlib.sha256(dedup_key.encode()).hexdigest()
    return f"{dedup_key[: _KEY_MAX - len(digest) - 1]}#{digest}"


@dataclass
class Message:
    """One message to queue: `to` is a person or a bare email address (a shared mailbox);
    `template` is the email kind, "<app>.<name>" (see email_template_base)."""

    to: User | str
    template: str
    dedup_key: str
    context: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    in_portal: bool = True


def email_template_base(kind: str) -> str:
    """Where an email kind's templates are: kind "<app>.<name>" is `<app>/emails/<name>`, with
    `_subject.txt`, `.txt` and, if it has one, `.html`. Each app owns its emails beside its other
    templates, and the outbox needs to know no app to find them."""
    app, dot, name = kind.partition(".")
    if not (app and dot and name) or "/" in kind:
        raise ValueError(
            f'An email kind is "<app>.<name>" (templates/<app>/emails/), not {kind!r}.'
        )
    return f"{app}/emails/{name}"


def _render_text(name: str, context: dict[str, Any]) -> str:
    # Plain text is not HTML: a name such as O'Brien must not arrive as O&#x27;Brien.
    template = get_template(name)
    # The portal's one engine is Django's; its inner template is what takes autoescape=False.
    assert isinstance(template, DjangoTemplate)
    return template.template.render(Context(context, autoescape=False))


def _render(message: Message, org: OrganisationSettings) -> Notification:
    recipient, to_email = (
        (message.to, message.to.email) if isinstance(message.to, User) else (None, message.to)
    )
    context = {
        "org": org,
        "site_url": settings.SITE_URL,
        "recipient": recipient,
        "url": f"{settings.SITE_URL}{message.url}" if message.url else settings.SITE_URL,
        **message.context,
    }
    base = email_template_base(message.template)
    # Never let user input put a line break into a header.
    subject = " ".join(_render_text(f"{base}_subject.txt", context).split())[:255]
    body_text = _render_text(f"{base}.txt", context)
    body_html: str
    try:
        body_html = render_to_string(f"{base}.html", {**context, "subject": subject})
    except TemplateDoesNotExist:
        body_html = ""
    return Notification(
        dedup_key=_key(message.dedup_key),
        recipient=recipient,
        to_email=to_email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        url=message.url,
        in_portal=message.in_portal and recipient is not None,
    )


def _insert_new(rows: list[Notification]) -> list[int]:
    """Insert the rows whose key is unused and return the ids of those this call created.

    PostgreSQL and SQLite (3.35 and later) both accept ON CONFLICT ... RETURNING. A row whose
    key a concurrent, uncommitted transaction holds waits for it, then is skipped if it commits.
    """
    if not rows:
        return []
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start : start + INSERT_BATCH]
        params = [
            f.get_db_prep_save(f.pre_save(row, add=True), connection)
            for row in chunk
            for f in fields
        ]
        # Only quoted names from the model's own metadata are formatted in; values are params.
        table = qn(Notification._meta.db_table)
        columns = ", ".join(qn(f.column) for f in fields)
        values = ", ".join([one_row] * len(chunk))
        sql = f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        sql += f"ON CONFLICT ({qn('dedup_key')}) DO NOTHING RETURNING {qn('id')}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def _deliver_after_commit(ids: list[int]) -> None:
    from portal.tasks import notification_deliver_task, notifications_deliver_task

    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        if len(batch) == 1:
            transaction.on_commit(partial(notification_deliver_task.delay, batch[0]))
        else:
            transaction.on_commit(partial(notifications_deliver_task.delay, batch))


@transaction.atomic
def notification_queue(
    *,
    to: User | str,
    template: str,
    dedup_key: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    in_portal: bool = True,
) -> Notification | None:
    """Queue one message. Returns None, and queues nothing, if its key was used before."""
    message = Message(
        to=to,
        template=template,
        dedup_key=dedup_key,
        context=context or {},
        url=url,
        in_portal=in_portal,
    )
    # Checked first only to save rendering; the insert below is what guarantees one row.
    if Notification.objects.filter(dedup_key=_key(dedup_key)).exists():
        return None
    row = _render(message, OrganisationSettings.load())
    ids = _insert_new([row])
    if not ids:
        return None
    row.pk = ids[0]
    _deliver_after_commit(ids)
    return row


@transaction.atomic
def notifications_queue_many(*, messages: Iterable[Message], batch_size: int = 1000) -> int:
    """Queue many messages in bulk (a campaign to every member of staff). Messages whose key was
    used before are skipped. Returns how many were new. Constant memory per batch."""
    org = OrganisationSettings.load()
    queued = 0
    batch: list[Message] = []

    def flush() -> int:
        keys = [_key(m.dedup_key) for m in batch]
        used = set(
            Notification.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True)
        )
        # Rendering is the costly part, so skip what is already known to be sent.
        fresh = [_render(m, org) for m, key in zip(batch, keys, strict=True) if key not in used]
        ids = _insert_new(fresh)
        _deliver_after_commit(ids)
        batch.clear()
        return len(ids)

    for message in messages:
        batch.append(message)
        if len(batch) >= batch_size:
            queued += flush()
    if batch:
        queued += flush()
    return queued


def notification_deliver(*, notification_id: int) -> bool:
    """Send one queued message if nobody else has. Returns True if this call sent it.

    Deliberately not one transaction: the claim must commit before the email goes out, so a
    second delivery of the same row sees it claimed and does nothing.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=Notification.Status.SENDING,
            claimed_until=now + CLAIM_FOR,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return False
    row = Notification.objects.get(pk=notification_id)
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={"X-Portal-Message": str(row.pk)},
    )
    if row.body_html:
        email.attach_alternative(row.body_html, "text/html")
    try:
        email.send()
    except Exception as exc:  # any failure of the mail server: record it and try again later
        failed = row.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=row.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            next_attempt_at=None if failed else timezone.now() + _backoff(row.attempts),
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        # The address only, never the body: a reset link in a log is a way into an account.
        log.warning(
            "Notification %s to %s not delivered (attempt %s of %s): %s",
            row.pk,
            row.to_email,
            row.attempts,
            MAX_ATTEMPTS,
            type(exc).__name__,
        )
        return False
    Notification.objects.filter(pk=row.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def notifications_deliver(*, notification_ids: Iterable[int]) -> int:
    """Send each of these queued messages that nobody else has. Returns how many this call sent."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


def notifications_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Rows the sweep should hand to a delivery task: failed attempts whose backoff has run out,
    rows whose delivery task was lost, and rows whose claim ran out mid-send."""
    now = now or timezone.now()
    stale = Notification.objects.filter(status=Notification.Status.SENDING, claimed_until__lt=now)
    # A claim that ran out means the worker died mid-send. A message that has killed a worker
    # every time is given up on rather than retried for ever.
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Notification.Status.FAILED,
        claimed_until=None,
        last_error="Delivery did not finish (the worker stopped while sending).",
    )
    stale.update(status=Notification.Status.PENDING, claimed_until=None, next_attempt_at=now)
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER)
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Hand every message left undelivered (see notifications_due) to delivery tasks again, in
    batches. Returns how many were handed on."""
    from portal.tasks import notifications_deliver_task

    ids = notifications_due(now=now)
    for start in range(0, len(ids), DELIVERY_BATCH):
        notifications_deliver_task.delay(ids[start : start + DELIVERY_BATCH])
    return len(ids)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    # Reading a notification is not evidence of anything, so it writes no audit event.
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, in_portal=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
