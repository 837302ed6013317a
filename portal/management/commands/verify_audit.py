"""Check the audit trail and name the first thing wrong with it.

Every event carries a seal: an HMAC of its contents and of the seal before it, under a key from
PORTAL_AUDIT_KEYS that is never in the database. Events from before keys were adopted carry a
plain SHA-256 hash and are checked as such ("legacy"); only the keyed event after them vouches for
them. The command walks the events in order, and reports the first of these:

- edited: an event's contents no longer match its seal, and its seal is the genuine one (the
  sound event after it names it, or it is the newest and the last clean check saw it).
- forged: an event's seal does not verify with any key and nothing genuine names it, or is
  back-dated: it was made by someone without the key (an event appended or rewritten from the
  database, an unkeyed event where only keyed ones may be, or a key id the settings lack).
- inserted: an event sits between two events that name each other as neighbours: it was
  added between them.
- deleted: the event an event names as the one before it is nowhere in the trail.
- reordered: the event an event names as the one before it is in the trail, but elsewhere.
- truncated: the chain is sound but shorter than at the last clean check, or the newest event
  that check saw is gone (the newest rows removed, or the table emptied).

After a clean run it writes the head (the newest event's id and seal, and the number of events)
to PORTAL_AUDIT_HEAD_FILE, outside the database, for the next run to compare with. Events that
are added and then removed between two runs cannot be seen; run it often (daily at least).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.models import AuditEvent
from portal.services.audit_check import Tamper, audit_check, read_head, write_head


class Command(BaseCommand):
    help = "Check the audit trail's sealed chain and report the first thing wrong with it."

    def handle(self, *args, **options):
        path = settings.PORTAL_AUDIT_HEAD_FILE
        try:
            last_head = read_head(path)
        except ValueError as exc:
            raise CommandError(f"The head file {path} cannot be read: {exc}.") from None
        result = audit_check(last_head=last_head)
        if result.tamper is Tamper.TRUNCATED:
            raise CommandError(
                f"Audit trail truncated: {result.problem}. {result.checked} events verified."
            )
        if result.bad is not None:
            bad = result.bad
            fewer = ""
            if last_head is not None and (total := AuditEvent.objects.count()) < last_head.count:
                fewer = (
                    f" The trail holds {total} events; the last clean check saw {last_head.count}."
                )
            raise CommandError(
                f"Audit trail broken at event {bad.pk} ({bad.verb}, "
                f"{bad.at:%Y-%m-%d %H:%M:%S %Z}): {result.tamper}: "
                f"{result.problem}. {result.checked} earlier events verified.{fewer}"
            )
        assert result.head is not None  # noqa: S101  # a clean check always has one
        write_head(path, result.head)
        legacy = (
            f" ({result.legacy} of them from before keys were adopted, checked by plain hash)"
            if result.legacy
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {result.checked} events verified{legacy}.")
        )
        if last_head is None:
            self.stdout.write("No earlier check to compare with; this one is the reference now.")
