"""Marking accounts "password change due" (paragraph 23: the Chief Executive changes passwords
when the team changes). Called inside the transaction of the change that makes it due (a team
change, a leaver, the departure of someone who saw the password), so the mark and its cause
commit together. Cleared only by recording a new password (the credential register's part)."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, Concat, Substr
from django.urls import reverse

from portal.models import User
from portal.services.audit import AuditDraft, audit_record_many
from portal.services.notifications import Message, notifications_queue_many
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import Account
from socialmedia.outbox import rotation_due_key
from socialmedia.selectors import chief_executive_recipients

REASON_MAX = Account._meta.get_field("rotation_due_reason").max_length or 300


def mark_rotation_due(
    accounts: Iterable[Account], *, reason: str, at: datetime, by: User | None = None
) -> list[Account]:
    """Mark the running accounts among `accounts` as due a new password since `at` (kept if
    one was already due), add `reason` to why, record ROTATION_DUE for each and tell each
    owner and the Chief Executive. Returns the accounts marked, as they are now.

    An account not open (approved, closed) has no password in use and is left alone. A fixed
    number of queries however many accounts. Nothing secret is written: the reason says what
    happened (who left the team), never the password."""
    ids = sorted({account.pk for account in accounts})
    if not ids:
        return []
    running = Account.objects.running().filter(pk__in=ids)
    running.update(
        rotation_due_since=Coalesce(F("rotation_due_since"), Value(at)),
        rotation_due_reason=Substr(
            Case(
                When(rotation_due_reason="", then=Value(reason)),
                default=Concat(F("rotation_due_reason"), Value("; "), Value(reason)),
            ),
            1,
            REASON_MAX,
        ),
    )
    marked = list(running.select_related("owner").order_by("pk"))
    if not marked:
        return []
    audit_record_many(
        drafts=[
            AuditDraft(
                SocialEvent.ROTATION_DUE,
                actor=by,
                obj=account,
                changes={
                    "rotation_due_since": account.rotation_due_since,
                    "reason": reason,
                },
            )
            for account in marked
        ]
    )
    chief_executives = chief_executive_recipients()
    messages: list[Message] = []
    for account in marked:
        told: dict[int | str, User | str] = {}
        if account.owner.is_active:
            told[account.owner_id] = account.owner
        for person in chief_executives:
            told.setdefault(person.pk if isinstance(person, User) else person, person)
        messages.extend(
            Message(
                to=person,
                template=SocialEmail.ROTATION_DUE,
                dedup_key=rotation_due_key(account.pk, person, at),
                url=reverse("socialmedia:account", args=[account.pk]),
                context={
                    "account": account,
                    "reason": reason,
                    "is_owner": person == account.owner,
                    # Told only to the Chief Executive: nobody is changing it until they name
                    # a new owner.
                    "owner_gone": not account.owner.is_active,
                },
            )
            for person in told.values()
        )
    notifications_queue_many(messages=messages)
    return marked
