"""The code a demo person's authenticator app would show, so that `make run` can be tried
without a phone. Refused unless DEBUG is on: a real portal's codes come only from phones."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_code
from portal.services.second_factor import app_device


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo person (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the demo person's email address")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_code works only with DEBUG on (make run). On a real portal the code comes "
                "from the person's authenticator app."
            )
        from portal.models import User

        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No one has the email address {email}.")
        device = app_device(user)
        if device is None:
            raise CommandError(f"{user.full_name} has not set up two-step sign-in.")
        self.stdout.write(demo_code(device))
