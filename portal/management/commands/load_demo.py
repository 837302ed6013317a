from django.core.management.base import BaseCommand, CommandError

from declarations.demo import load_declarations_demo
from portal.demo import demo_logins, demo_password, load_foundation_demo

# Each app's demo loader, called in this order as `loader(log=...)`. Each must be idempotent
# (running it twice changes nothing) and may rely on the loaders before it.
LOADERS = [
    load_foundation_demo,
    load_declarations_demo,
]


class Command(BaseCommand):
    help = (
        "Load the demo organisation, departments and people (and each app's demo data). "
        "Safe to run again: what exists is left alone. The password comes from DEMO_PASSWORD."
    )

    def handle(self, *args, **options):
        for loader in LOADERS:
            try:
                loader(log=self.stdout.write)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (all with the same password):"))
        self.stdout.write(f"  password: {demo_password()}")
        width = max(len(email) for email, _ in demo_logins())
        for email, what in demo_logins():
            self.stdout.write(f"  {email:<{width}}  {what}")
