"""`rotate_encryption_keys`: every secret resealed under the newest key, none lost, an
unreadable one left exactly as it was and reported, and the counts on the record."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from portal.models import AuditEvent
from socialmedia import crypto
from socialmedia.events import SocialEvent
from socialmedia.management.commands.rotate_encryption_keys import HELP
from socialmedia.models import SECRET_FIELDS, Credential
from socialmedia.tests.factories import PLAIN_DEFAULTS, AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db

GEN1, GEN2, GEN3 = (Fernet.generate_key().decode() for _ in range(3))


def _credential_under(keys: list[str], password: str) -> Credential:
    with override_settings(PORTAL_ENCRYPTION_KEYS=keys):
        return CredentialFactory(account=AccountFactory(), password=password)


def _opened(credential: Credential, field: str) -> str:
    credential.refresh_from_db()
    token = getattr(credential, f"{field}_sealed")
    return crypto.unseal(token, at=crypto.place(credential.account_id, field))


def _rotate() -> str:
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_three_generations_of_keys_are_all_readable_under_the_newest_alone():
    first = _credential_under([GEN1], "first-generation-pw")
    second = _credential_under([GEN2, GEN1], "second-generation-pw")
    third = _credential_under([GEN3, GEN2, GEN1], "third-generation-pw")

    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN3, GEN2, GEN1]):
        report = _rotate()

    assert "Credentials: 3" in report
    # Six secrets each; the third credential's were already under gen3.
    assert "Secrets resealed under the newest key: 12" in report
    assert "Secrets already on the newest key: 6" in report
    assert "Credentials that could not be read: 0" in report
    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN3]):
        assert _opened(first, "password") == "first-generation-pw"
        assert _opened(second, "password") == "second-generation-pw"
        assert _opened(third, "password") == "third-generation-pw"
        for credential in (first, second, third):
            for field in SECRET_FIELDS:
                if field != "password":
                    assert _opened(credential, field) == PLAIN_DEFAULTS[field]


def test_a_second_run_reseals_nothing():
    _credential_under([GEN1], "pw-one")
    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN2, GEN1]):
        _rotate()
        before = list(Credential.objects.values_list("password_sealed", flat=True))
        report = _rotate()
    assert "Secrets resealed under the newest key: 0" in report
    assert "Secrets already on the newest key: 6" in report
    assert list(Credential.objects.values_list("password_sealed", flat=True)) == before


def test_an_unreadable_credential_is_left_as_it_was_reported_and_the_command_fails():
    lost = _credential_under([GEN1], "lost-key-pw")
    kept = _credential_under([GEN2], "kept-pw")
    tokens = {f: getattr(lost, f"{f}_sealed") for f in SECRET_FIELDS}

    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN3, GEN2]):
        with pytest.raises(CommandError) as failed:
            _rotate()
        assert str(lost.account_id) in str(failed.value)
        assert _opened(kept, "password") == "kept-pw"
    lost.refresh_from_db()
    assert {f: getattr(lost, f"{f}_sealed") for f in SECRET_FIELDS} == tokens
    event = AuditEvent.objects.get(verb=SocialEvent.KEYS_ROTATED)
    assert event.changes["unreadable_accounts"] == [lost.account_id]


def test_a_credential_copied_into_another_account_is_unreadable_not_resealed():
    source = _credential_under([GEN1], "copied-pw")
    target = _credential_under([GEN1], "own-pw")
    Credential.objects.filter(pk=target.pk).update(password_sealed=source.password_sealed)
    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN2, GEN1]), pytest.raises(CommandError):
        _rotate()
    target.refresh_from_db()
    assert target.password_sealed == source.password_sealed


def test_the_counts_are_on_the_record_and_never_a_key():
    _credential_under([GEN1], "pw")
    with override_settings(PORTAL_ENCRYPTION_KEYS=[GEN2, GEN1]):
        _rotate()
    event = AuditEvent.objects.get(verb=SocialEvent.KEYS_ROTATED)
    assert event.changes == {
        "credentials": 1,
        "secrets_resealed": 6,
        "already_on_newest_key": 0,
        "unreadable_accounts": [],
    }
    for key in (GEN1, GEN2):
        assert key not in str(event.changes)


def test_the_help_says_how_to_change_a_key():
    assert "FIRST in PORTAL_ENCRYPTION_KEYS" in HELP
    assert "Only once it reports no unreadable credential" in HELP
