"""One-person links: usable by the person, for the object and the purpose they were made for,
until they expire; refused, with a reason, in every other case."""

import time
from datetime import timedelta

import pytest
from django.core import signing

from portal.lib.signed_links import (
    SignedLinkError,
    SignedLinkExpired,
    SignedLinkInvalid,
    signed_link_check,
    signed_link_token,
)

PURPOSE = "cleardown.confirm"
WEEK = timedelta(days=7)


def _token(**overrides):
    return signed_link_token(**{"purpose": PURPOSE, "user_id": 4, "object_id": 42, **overrides})


def _check(token, **overrides):
    fields = {"purpose": PURPOSE, "user_id": 4, "object_id": 42, "max_age": WEEK, **overrides}
    signed_link_check(token=token, **fields)


@pytest.fixture
def clock(monkeypatch):
    """Move time on: the signer reads time.time() when it makes and when it checks a token."""
    now = [time.time()]
    monkeypatch.setattr(signing.time, "time", lambda: now[0])

    def advance(delta: timedelta) -> None:
        now[0] += delta.total_seconds()

    return advance


def test_the_person_can_use_their_link_for_its_object_and_purpose():
    _check(_token())


def test_a_link_made_for_a_string_id_checks_against_the_same_string():
    _check(_token(object_id="INC-2026-0042"), object_id="INC-2026-0042")


def test_a_link_is_usable_until_it_expires_and_not_after(clock):
    token = _token()
    clock(WEEK - timedelta(seconds=1))
    _check(token)
    clock(timedelta(seconds=2))
    with pytest.raises(SignedLinkExpired, match="expired"):
        _check(token)


def test_an_expired_link_is_a_signed_link_error_so_one_except_catches_every_refusal(clock):
    token = _token()
    clock(timedelta(days=8))
    with pytest.raises(SignedLinkError):
        _check(token)


def test_a_shorter_max_age_at_check_time_wins(clock):
    token = _token()
    clock(timedelta(hours=2))
    with pytest.raises(SignedLinkExpired):
        _check(token, max_age=timedelta(hours=1))


def test_someone_else_cannot_use_the_persons_link():
    with pytest.raises(SignedLinkInvalid, match="someone or something else"):
        _check(_token(), user_id=5)


def test_the_link_does_not_work_for_another_object():
    with pytest.raises(SignedLinkInvalid):
        _check(_token(), object_id=43)


def test_ids_cannot_be_shuffled_between_person_and_object():
    with pytest.raises(SignedLinkInvalid):
        _check(_token(user_id=42, object_id=4))


def test_a_link_made_for_one_purpose_is_refused_for_another():
    token = _token(purpose="hold.acknowledge")
    with pytest.raises(SignedLinkInvalid, match="not valid"):
        _check(token)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: t.replace("4:42:", "5:42:", 1), id="person changed"),
        pytest.param(lambda t: t.replace("4:42:", "4:43:", 1), id="object changed"),
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature changed"),
        pytest.param(lambda t: t.rsplit(":", 1)[0], id="signature removed"),
        pytest.param(lambda t: t + "x", id="extra characters"),
        pytest.param(lambda t: "", id="empty"),
        pytest.param(lambda t: "not a token", id="garbage"),
    ],
)
def test_a_tampered_link_is_refused(tamper):
    token = _token()
    assert token.startswith("4:42:")  # the ids are in the clear; the signature protects them
    with pytest.raises(SignedLinkInvalid):
        _check(tamper(token))


def test_a_timestamp_moved_forward_breaks_the_signature(clock):
    token = _token()
    value, stamp, signature = token.rsplit(":", 2)
    fresher = signing.b62_encode(signing.b62_decode(stamp) + 86_400 * 30)
    clock(timedelta(days=8))
    with pytest.raises(SignedLinkInvalid):
        _check(f"{value}:{fresher}:{signature}")


def test_a_link_signed_with_another_key_is_refused(settings):
    token = _token()
    settings.SECRET_KEY = "another-" + "k" * 50
    with pytest.raises(SignedLinkInvalid):
        _check(token)


def test_a_token_from_django_signing_without_our_salt_is_refused():
    forged = signing.TimestampSigner().sign("4:42")
    with pytest.raises(SignedLinkInvalid):
        _check(forged)


@pytest.mark.parametrize("purpose", ["", "a:b"])
def test_a_purpose_must_be_a_plain_name(purpose):
    with pytest.raises(ValueError, match="plain name"):
        _token(purpose=purpose)
