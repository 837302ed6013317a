"""Security events as structured log lines: sign-ins, failures, lockouts and every refused page,
and never a password, code, token or session key in any log line or audit row."""

import json
import logging
import re

import pytest
from django.urls import reverse

from portal.lib.security_log import is_forbidden_field, security_event
from portal.models import AuditEvent
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
WRONG_PASSWORD = "Marmalade-Typo-7731"


def _lines(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "portal.security"
    ]


def _everything_logged(caplog) -> str:
    # The message, its arguments and anything else the record carries (an exception's text).
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )


def _everything_audited() -> str:
    return "\n".join(repr(row) for row in AuditEvent.objects.values())


def _sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def test_a_wrong_then_right_password_and_a_refused_page_are_logged_without_the_password(
    client, alice, logs
):
    assert _sign_in(client, "alice@example.org", WRONG_PASSWORD).status_code == 200
    assert _sign_in(client, "alice@example.org", TEST_PASSWORD).status_code == 302
    assert client.get(reverse("portal:audit")).status_code == 403

    lines = _lines(logs)
    failed = [line for line in lines if line["event"] == "sign_in.failed"]
    succeeded = [line for line in lines if line["event"] == "sign_in.succeeded"]
    forbidden = [line for line in lines if line["event"] == "page.forbidden"]
    assert len(failed) == len(succeeded) == len(forbidden) == 1
    assert failed[0]["account_id"] == alice.pk
    assert failed[0]["ip"] == "127.0.0.1"
    assert failed[0]["path"] == reverse("login")
    assert succeeded[0]["user_id"] == alice.pk
    assert forbidden[0] | {"at": None} == {
        "event": "page.forbidden",
        "at": None,
        "ip": "127.0.0.1",
        "method": "GET",
        "path": reverse("portal:audit"),
        "status": 403,
        "user_id": alice.pk,
    }
    # Failures and refusals are warnings, so an alert can watch that level alone.
    levels = {
        json.loads(r.getMessage())["event"]: r.levelno
        for r in logs.records
        if r.name == "portal.security"
    }
    assert levels == {
        "sign_in.failed": logging.WARNING,
        "sign_in.succeeded": logging.INFO,
        "page.forbidden": logging.WARNING,
    }

    for typed in (WRONG_PASSWORD, TEST_PASSWORD):
        assert typed not in _everything_logged(logs)
        assert typed not in _everything_audited()
    assert client.session.session_key not in _everything_logged(logs)


def test_a_password_typed_into_the_email_box_is_logged_and_audited_nowhere(client, alice, logs):
    _sign_in(client, WRONG_PASSWORD, TEST_PASSWORD)
    [failed] = [line for line in _lines(logs) if line["event"] == "sign_in.failed"]
    assert failed["account_id"] is None
    assert WRONG_PASSWORD not in _everything_logged(logs)
    assert WRONG_PASSWORD.lower() not in _everything_logged(logs).lower()
    assert WRONG_PASSWORD.lower() not in _everything_audited().lower()


def test_a_lockout_is_logged_with_the_account(client, alice, logs, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "alice@example.org", WRONG_PASSWORD)
    [locked] = [line for line in _lines(logs) if line["event"] == "sign_in.locked_out"]
    assert locked["account_id"] == alice.pk
    assert locked["ip"] == "127.0.0.1"
    assert WRONG_PASSWORD not in _everything_logged(logs)


def test_fields_that_could_hold_a_secret_are_dropped_by_name(logs):
    line = security_event(
        "second_factor.failed",
        user=7,
        password="Secret-value-one",
        recovery_code="12345678",
        session_key="skey-abcdef",
        api_token="tok-99",
        otp="654321",
        device="phone app",
        failures=3,
    )
    assert line["device"] == "phone app"
    assert line["failures"] == 3
    assert line["user_id"] == 7
    assert line["dropped"] == ["api_token", "otp", "password", "recovery_code", "session_key"]
    logged = _everything_logged(logs)
    for secret in ("Secret-value-one", "12345678", "skey-abcdef", "tok-99", "654321"):
        assert secret not in logged
    assert json.loads(logs.records[-1].getMessage()) == line


@pytest.mark.parametrize(
    ("name", "forbidden"),
    [
        ("password", True),
        ("new_password", True),
        ("newPassword", True),
        ("code", True),
        ("recovery-codes", True),
        ("csrftoken", True),
        ("sessionid", True),
        ("Authorization", True),
        ("totp", True),
        ("account_id", False),
        ("postcode_area", False),
        ("reason", False),
        ("method", False),
    ],
)
def test_which_field_names_are_refused(name, forbidden):
    assert is_forbidden_field(name) is forbidden


def test_one_event_is_one_line_whatever_its_values(logs):
    security_event("page.forbidden", reason="line one\nline two\r\nthree")
    message = logs.records[-1].getMessage()
    assert "\n" not in message
    assert "\r" not in message
    assert json.loads(message)["reason"] == "line one\nline two\r\nthree"


def test_every_second_step_event_is_logged_and_no_code_appears_in_any_log(
    client, alice, sysadmin, logs
):
    from base64 import b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.services.second_factor import second_factor_reset
    from portal.testing.second_factor import leaked, totp_code

    client.force_login(alice)
    client.get(reverse("second_factor_setup"))
    pending = TOTPDevice.objects.get(user=alice, confirmed=False)
    typed = [totp_code(pending)]
    setup = client.post(reverse("second_factor_setup"), {"code": typed[0]})
    recovery = setup.text.split('aria-label="Recovery codes"', 1)[1].split("</ul>", 1)[0]
    client.post(reverse("logout"))
    _sign_in(client, alice.email, TEST_PASSWORD)
    for _ in range(5):
        client.post(reverse("second_factor_verify"), {"code": "000000"})
    second_factor_reset(user=alice, by=sysadmin, reason="Phone lost", ip="10.0.0.9")

    events = [line["event"] for line in _lines(logs) if line["event"].startswith("second_")]
    assert events == [
        "second_factor.set_up",
        *["second_factor.failed"] * 5,
        "second_factor.locked_out",
        "second_factor.reset",
    ]
    everything = _everything_logged(logs) + _everything_audited()
    secrets = [*typed, pending.key, b32encode(pending.bin_key).decode()]
    assert not leaked(secrets, everything)
    codes = re.findall(r">([a-z2-9]{5}-[a-z2-9]{5})<", recovery)
    assert len(codes) == 10
    assert not [c for c in codes if c in everything or c.replace("-", "") in everything]
