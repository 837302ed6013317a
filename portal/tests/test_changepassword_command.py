"""manage.py changepassword records who set the password (the typed passwords stand in for a
person at the terminal)."""

import getpass
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _typing(monkeypatch, *answers):
    typed = iter(answers)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))


def test_a_password_set_at_the_command_line_is_recorded_as_set_by_the_operator(
    monkeypatch, alice, sysadmin
):
    _typing(monkeypatch, "Harbour-lights-2031", "Harbour-lights-2031")
    call_command("changepassword", alice.email, by=sysadmin.email, stdout=StringIO())
    alice.refresh_from_db()
    assert alice.check_password("Harbour-lights-2031")
    assert alice.password_set_by == sysadmin
    assert alice.password_set_by_someone_else
    event = AuditEvent.objects.get(verb="user.password_set_by_admin")
    assert event.actor == sysadmin
    assert "Harbour" not in str(event.changes)


def test_passwords_that_differ_or_break_the_rules_change_nothing(monkeypatch, alice, sysadmin):
    before = alice.password
    _typing(monkeypatch, "one-Password-2031", "two-Password-2031", "short", "short", "a", "b")
    with pytest.raises(CommandError, match="Stopped after 3 tries"):
        call_command(
            "changepassword", alice.email, by=sysadmin.email, stdout=StringIO(), stderr=StringIO()
        )
    alice.refresh_from_db()
    assert alice.password == before
    assert not AuditEvent.objects.filter(verb="user.password_set_by_admin").exists()


def test_the_operator_must_say_who_they_are(alice):
    with pytest.raises(CommandError, match="--by"):
        call_command("changepassword", alice.email)
    with pytest.raises(CommandError, match="No person setting the password"):
        call_command("changepassword", alice.email, by="nobody@example.org")
