"""Tests' way through the second step of signing in, done for real: a confirmed authenticator
(django-otp's own device row) and codes computed from its key, as the person's phone would."""

import re
import time
from base64 import b32encode

import pyotp
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import SECOND_FACTOR_PENDING
from portal.models import User


def authenticator_for(user: User) -> TOTPDevice:
    """The person's confirmed authenticator, added if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the phone would show, for a time step the device has not accepted yet (a code is
    accepted once; the device allows one step either side of now, so no test need wait)."""
    device.refresh_from_db()
    totp = pyotp.TOTP(b32encode(device.bin_key).decode(), interval=device.step)
    step = max(int(time.time()) // device.step, device.last_t + 1)
    return totp.at(step * device.step)


def session_verified(client: Client, user: User) -> None:
    """Mark a test client's signed-in session as having done the second step."""
    device = authenticator_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(SECOND_FACTOR_PENDING, None)
    session.save()


def leaked(secrets: list[str], text: str) -> list[str]:
    """Which of `secrets` appear in `text`. A six-digit code is looked for only as a number of
    its own: the same digits as a timestamp's microseconds (".123456+") are not a leak."""
    found = []
    for secret in secrets:
        if secret.isdigit():
            if re.search(rf"(?<![\d.]){secret}(?![\d+])", text):
                found.append(secret)
        elif secret in text:
            found.append(secret)
    return found
