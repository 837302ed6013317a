from django.core.management.base import BaseCommand, CommandError

from portal.services.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, bad, problem = audit_verify()
        if bad is not None:
            raise CommandError(
                f"Audit trail broken at event {bad.pk} ({bad.verb}, "
                f"{bad.at:%Y-%m-%d %H:%M:%S %Z}): "
                f"{problem}. {checked} earlier events verified."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} events verified."))
