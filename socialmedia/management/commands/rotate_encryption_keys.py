"""Reseal every secret of the credential register under the newest encryption key."""

from django.core.management.base import BaseCommand, CommandError

from socialmedia.services.key_rotation import credential_keys_rotate

HELP = """Reseal every social media credential under the newest key in PORTAL_ENCRYPTION_KEYS.

To change the key: put a new Fernet key FIRST in PORTAL_ENCRYPTION_KEYS, keeping the old ones
after it (newest first, comma separated), restart, then run this command. It reseals every
secret under the new key, each credential in its own transaction, and reports how many
credentials it read, how many secrets it resealed and how many were already on the newest key.
Only once it reports no unreadable credential may the old keys be removed from the list.

A credential that no listed key opens (or whose secret was copied from another account) is left
exactly as it was and named by its account id; the command then exits with an error. Running it
twice is safe: the second run reseals nothing. The audit trail records the counts (never a key).
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=200, help="credentials read per batch (200)"
        )

    def handle(self, *args, batch_size: int, **options):
        report = credential_keys_rotate(batch_size=max(1, batch_size))
        self.stdout.write(
            f"Credentials: {report.credentials}\n"
            f"Secrets resealed under the newest key: {report.resealed}\n"
            f"Secrets already on the newest key: {report.already_newest}\n"
            f"Credentials that could not be read: {len(report.unreadable)}"
        )
        if report.unreadable:
            ids = ", ".join(str(account_id) for account_id in report.unreadable)
            raise CommandError(
                f"The secrets of these accounts cannot be opened with any listed key and were "
                f"left as they were: {ids}. Do not remove an old key until they are readable "
                "(put back the key they were sealed with, then run this again)."
            )
