"""`manage.py changepassword`, keeping the record: who set the password, and when.

Django's own command saves the new password as if the person had chosen it, so a declaration
signed with it later would not show that someone else had set it. This one asks who is setting
it (their own portal account) and saves through user_password_set, which records it, writes the
audit event and tells the person by email.
"""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from portal.services.accounts import user_password_set

TRIES = 3


def _person(email: str, what: str) -> User:
    try:
        return User.objects.get(email__iexact=email.strip())
    except User.DoesNotExist:
        raise CommandError(f"No {what} has the email address {email!r}.") from None


class Command(BaseCommand):
    help = (
        "Set a person's password from the command line, recorded as set by you (--by): they "
        "are emailed, and a declaration they sign with it says someone else had set it."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address of the person whose password to set.")
        parser.add_argument(
            "--by",
            required=True,
            help="Your own email address in the portal: you are recorded as having set it.",
        )

    def _ask(self, prompt: str) -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("Stopped: no password given, nothing changed.")
        return password

    def handle(self, *args, **options):
        person = _person(options["email"], "person")
        by = _person(options["by"], "person setting the password (--by)")
        self.stdout.write(f"Setting the password of {person.full_name} <{person.email}>.")
        for _ in range(TRIES):
            first = self._ask("New password: ")
            if first != self._ask("New password again: "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(first, person)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            user_password_set(user=person, password=first, by=by, ip=None)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Password set, recorded as set by {by.full_name}; {person.full_name} "
                    "has been emailed."
                )
            )
            return
        raise CommandError(f"Stopped after {TRIES} tries: the password was not changed.")
