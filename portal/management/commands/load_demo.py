import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_logins, demo_password
from portal.registry import registry


class Command(BaseCommand):
    help = (
        "Load the demo organisation, departments and people (and each app's demo data). "
        "Safe to run again: what exists is left alone. The password comes from DEMO_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo even though DEBUG is off (a training or test server only).",
        )

    def handle(self, *args, **options):
        # The demo makes privileged accounts (a superuser, a DPO, a Chief Executive) that share a
        # published password: never on a live portal by accident.
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Refusing to load demo people on a portal running with DEBUG off (production). "
                "On a training or test server, pass --allow-without-debug and set DEMO_PASSWORD."
            )
        if not settings.DEBUG and not os.environ.get("DEMO_PASSWORD"):
            raise CommandError("Set DEMO_PASSWORD: the published default is only for laptops.")
        # Each app registers its loader with an order (portal.registry); each is idempotent.
        try:
            registry.run_demo_loaders(log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (all with the same password):"))
        self.stdout.write(f"  password: {demo_password()}")
        width = max(len(email) for email, _ in demo_logins())
        for email, what in demo_logins():
            self.stdout.write(f"  {email:<{width}}  {what}")
        if settings.DEBUG:
            self.stdout.write(
                "  People with privileged roles are asked for a two-step sign-in code: "
                "get it with `python manage.py demo_code EMAIL`."
            )
