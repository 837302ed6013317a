"""Sealing and opening the credential register's secrets (socialmedia/crypto.py): a token opens
only in its own place and under a listed key, and when it will not open the error says where,
never what."""

import sys

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from django.views.debug import ExceptionReporter

from socialmedia import crypto
from socialmedia.crypto import SecretUnreadable

SECRET = "Distinctive-Secret-Value-7781"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_sealed_secret_opens_to_what_was_sealed():
    at = crypto.place(7, "password")
    token = crypto.seal(SECRET, at=at)
    assert SECRET not in token
    assert crypto.unseal(token, at=at) == SECRET


def test_secrets_with_any_characters_come_back_exactly():
    at = crypto.place(7, "notes")
    for value in ["a\x00b", "ünïcødé ✓", " spaces kept ", "line\nbreak", "x" * 5000]:
        assert crypto.unseal(crypto.seal(value, at=at), at=at) == value


def test_sealing_the_same_secret_twice_gives_different_tokens():
    # Fernet's random IV: equal passwords on two accounts are not visibly equal in the table.
    at = crypto.place(7, "password")
    assert crypto.seal(SECRET, at=at) != crypto.seal(SECRET, at=at)


def test_an_empty_value_stays_empty():
    at = crypto.place(7, "recovery_phone")
    assert crypto.seal("", at=at) == ""
    assert crypto.unseal("", at=at) == ""
    assert crypto.reseal("", at=at) == ("", False)


def test_a_token_moved_to_another_account_does_not_open_there():
    token = crypto.seal(SECRET, at=crypto.place(7, "password"))
    with pytest.raises(SecretUnreadable) as refused:
        crypto.unseal(token, at=crypto.place(8, "password"))
    assert "socialmedia.credential:8:password" in str(refused.value)
    assert "different place" in str(refused.value)
    assert SECRET not in str(refused.value)


def test_a_token_moved_to_another_field_does_not_open_there():
    token = crypto.seal(SECRET, at=crypto.place(7, "password"))
    with pytest.raises(SecretUnreadable):
        crypto.unseal(token, at=crypto.place(7, "notes"))


def test_a_token_under_a_removed_key_says_where_and_never_what():
    at = crypto.place(7, "password")
    with override_settings(PORTAL_ENCRYPTION_KEYS=[OLD]):
        token = crypto.seal(SECRET, at=at)
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW]), pytest.raises(SecretUnreadable) as no:
        crypto.unseal(token, at=at)
    message = str(no.value)
    assert at in message
    assert "PORTAL_ENCRYPTION_KEYS" in message
    assert SECRET not in message
    assert token not in message
    assert token[:20] not in message


@pytest.mark.parametrize(
    "bad",
    ["not a token", "gAAAAA", "gAAAAABk" + "A" * 80, "\u00e9\u00e9", "\x00", " "],
)
def test_a_bad_token_raises_rather_than_returning_it_or_a_blank(bad):
    with pytest.raises(SecretUnreadable):
        crypto.unseal(bad, at=crypto.place(7, "password"))


def test_a_token_whose_text_was_altered_does_not_open():
    at = crypto.place(7, "password")
    token = crypto.seal(SECRET, at=at)
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with pytest.raises(SecretUnreadable):
        crypto.unseal(flipped, at=at)


def test_with_no_keys_nothing_is_sealed_or_opened():
    with override_settings(PORTAL_ENCRYPTION_KEYS=[]):
        with pytest.raises(SecretUnreadable, match="No encryption keys"):
            crypto.seal(SECRET, at=crypto.place(7, "password"))
        with pytest.raises(SecretUnreadable, match="No encryption keys"):
            crypto.unseal("gAAAAA", at=crypto.place(7, "password"))


def test_an_old_key_still_listed_opens_its_tokens_and_reseal_moves_them_to_the_newest():
    at = crypto.place(7, "password")
    with override_settings(PORTAL_ENCRYPTION_KEYS=[OLD]):
        token = crypto.seal(SECRET, at=at)
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW, OLD]):
        assert crypto.unseal(token, at=at) == SECRET
        resealed, changed = crypto.reseal(token, at=at)
        assert changed
        assert crypto.reseal(resealed, at=at) == (resealed, False)
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW]):
        assert crypto.unseal(resealed, at=at) == SECRET


def test_reseal_refuses_a_token_from_another_place():
    token = crypto.seal(SECRET, at=crypto.place(7, "password"))
    with pytest.raises(SecretUnreadable):
        crypto.reseal(token, at=crypto.place(9, "password"))


_HELD: dict[str, str] = {}


def _open_in_the_wrong_place() -> None:
    crypto.unseal(_HELD["token"], at=crypto.place(8, "password"))


def test_an_error_report_of_a_failed_opening_shows_no_secret_token_or_key(settings):
    settings.DEBUG = False
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW]):
        _HELD["token"] = crypto.seal(SECRET, at=crypto.place(7, "password"))
        try:
            _open_in_the_wrong_place()
        except SecretUnreadable:
            report = ExceptionReporter(None, *sys.exc_info())
            frames = report.get_traceback_frames()
            text = report.get_traceback_text()
    crypto_frames = [f for f in frames if f["filename"].endswith("socialmedia/crypto.py")]
    assert crypto_frames
    for frame in crypto_frames:
        shown = repr(frame["vars"])
        assert SECRET not in shown
        assert _HELD["token"] not in shown
        assert NEW not in shown
    assert SECRET not in text
    assert NEW not in text
