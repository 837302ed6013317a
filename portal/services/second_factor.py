"""The second step of signing in: an authenticator app's code (TOTP) or a single-use recovery code.

django-otp keeps the devices and checks codes (including that a code is not used twice); these
services decide what surrounds that: the pause after wrong codes, replacing and resetting, and
the audit trail, which records every step and never a code, a key or a recovery code.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.events import PortalEmail, PortalEvent
from portal.lib.security_log import security_event
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue
from portal.services.sessions import user_sessions_end

# Recovery codes avoid letters and digits that are easily mistaken for each other (0/o, 1/l/i).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class SecondFactorRefused(Exception):
    """An action the rules do not allow; the message says why, in words for the person."""


class Outcome(StrEnum):
    VERIFIED = "authenticator app"
    RECOVERY_CODE = "recovery code"
    WRONG = "wrong code"
    PAUSED = "paused"


@dataclass(frozen=True)
class VerifyResult:
    outcome: Outcome
    device: Device | None = None
    attempts_left: int = 0
    paused_until: datetime | None = None
    recovery_codes_left: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def issuer_name() -> str:
    """The name an authenticator app shows beside the code."""
    return OrganisationSettings.load().short_name


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device_pending(user: User) -> TOTPDevice:
    """The not-yet-confirmed authenticator the set-up page shows. Made once and kept until it is
    confirmed, so reloading the page shows the same QR code rather than a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _normalise(code: str) -> str:
    # People copy codes with spaces ("123 456") or the dash the recovery codes are shown with.
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _recovery_codes_replace(user: User) -> list[str]:
    """Delete every recovery code the person had and make a new set; returns them, formatted,
    for showing once. They are not kept anywhere the portal can show again."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(settings.SECOND_FACTOR_RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def second_factor_pause_clear(user: User) -> bool:
    """Forget wrong second-step codes. Records nothing itself: callers do, or it is part of a
    right code."""
    cleared = User.objects.filter(pk=user.pk, second_factor_failures__gt=0).update(
        second_factor_failures=0, second_factor_failed_at=None
    )
    user.second_factor_failures, user.second_factor_failed_at = 0, None
    return bool(cleared)


def paused_until(user: User, now: datetime | None = None) -> datetime | None:
    """When the pause after too many wrong codes ends, or None if the person is not paused."""
    if user.second_factor_failures < settings.SECOND_FACTOR_FAILURE_LIMIT:
        return None
    if user.second_factor_failed_at is None:
        return None
    until = user.second_factor_failed_at + settings.SECOND_FACTOR_COOLOFF
    return until if until > (now or timezone.now()) else None


@transaction.atomic
def app_device_confirm(
    *, user: User, device: TOTPDevice, code: str, ip: str | None
) -> list[str] | None:
    """Confirm a new authenticator with a code it shows. Replaces any earlier authenticator and
    every recovery code. Returns the new recovery codes, or None if the code was wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise SecondFactorRefused("This set-up has already been used. Start again.")
    if not device.verify_token(_normalise(code)):
        return None
    replaced = (
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()[0]
    )
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    second_factor_pause_clear(user)
    audit_record(
        verb=PortalEvent.SECOND_FACTOR_SET_UP,
        actor=user,
        obj=user,
        ip=ip,
        changes={"replaced_earlier_app": bool(replaced), "recovery_codes_made": len(codes)},
    )
    security_event("second_factor.set_up", user=user, ip=ip, replaced=bool(replaced))
    return codes


def _matching_device(user: User, code: str) -> Device | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            return static
    return None


@transaction.atomic
def second_factor_verify(*, user: User, code: str, ip: str | None) -> VerifyResult:
    """Check a code typed at the second step. Wrong codes count towards the pause; while paused
    nothing is checked at all, so a guesser learns nothing by going on."""
    # Locked, so two guesses sent at once cannot both be counted as the first.
    person = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    until = paused_until(person, now)
    if until is not None:
        audit_record(
            verb=PortalEvent.SECOND_FACTOR_FAILED,
            actor=person,
            obj=person,
            ip=ip,
            changes={"while_paused": True},
        )
        security_event("second_factor.failed", user=person, ip=ip, while_paused=True)
        return VerifyResult(Outcome.PAUSED, paused_until=until)
    device = _matching_device(person, _normalise(code))
    if device is not None:
        second_factor_pause_clear(person)
        outcome = Outcome.RECOVERY_CODE if isinstance(device, StaticDevice) else Outcome.VERIFIED
        left = recovery_codes_left(person)
        changes: dict[str, str | int] = {"method": outcome.value}
        if outcome is Outcome.RECOVERY_CODE:
            changes["recovery_codes_left"] = left
        audit_record(
            verb=PortalEvent.SECOND_FACTOR_USED, actor=person, obj=person, ip=ip, changes=changes
        )
        security_event("second_factor.succeeded", user=person, ip=ip, method=outcome.value)
        return VerifyResult(outcome, device=device, recovery_codes_left=left)
    return _failure(person, now, ip)


def _failure(person: User, now: datetime, ip: str | None) -> VerifyResult:
    last = person.second_factor_failed_at
    # A wrong code long after the last one starts the count again, as the first step's does.
    fresh = last is None or now - last > settings.SECOND_FACTOR_COOLOFF
    person.second_factor_failures = 1 if fresh else person.second_factor_failures + 1
    person.second_factor_failed_at = now
    person.save(update_fields=["second_factor_failures", "second_factor_failed_at"])
    limit = settings.SECOND_FACTOR_FAILURE_LIMIT
    audit_record(
        verb=PortalEvent.SECOND_FACTOR_FAILED,
        actor=person,
        obj=person,
        ip=ip,
        changes={"wrong_codes_in_a_row": person.second_factor_failures},
    )
    security_event(
        "second_factor.failed", user=person, ip=ip, in_a_row=person.second_factor_failures
    )
    if person.second_factor_failures >= limit:
        until = now + settings.SECOND_FACTOR_COOLOFF
        audit_record(
            verb=PortalEvent.SECOND_FACTOR_LOCKED,
            actor=person,
            obj=person,
            ip=ip,
            changes={"paused_until": until.isoformat()},
        )
        security_event("second_factor.locked_out", user=person, ip=ip, until=until.isoformat())
        return VerifyResult(Outcome.PAUSED, paused_until=until)
    return VerifyResult(Outcome.WRONG, attempts_left=limit - person.second_factor_failures)


@transaction.atomic
def second_factor_by_identity_provider(*, user: User, amr: list[str], ip: str | None) -> None:
    """The identity provider checked a second factor at this sign-in, and the organisation lets
    that stand for the portal's own (OIDC_MFA_SATISFIES_SECOND_FACTOR)."""
    audit_record(
        verb=PortalEvent.SECOND_FACTOR_USED,
        actor=user,
        obj=user,
        ip=ip,
        changes={"method": "identity provider", "provider_methods": sorted(map(str, amr))},
    )


@transaction.atomic
def recovery_codes_replace(*, user: User, ip: str | None) -> list[str]:
    """A new set of recovery codes, for someone signed in with both steps."""
    if not has_second_factor(user):
        raise SecondFactorRefused("Set up two-step sign-in first.")
    codes = _recovery_codes_replace(user)
    audit_record(
        verb=PortalEvent.RECOVERY_CODES_REPLACED,
        actor=user,
        obj=user,
        ip=ip,
        changes={"recovery_codes_made": len(codes)},
    )
    security_event("second_factor.recovery_codes_replaced", user=user, ip=ip)
    return codes


@transaction.atomic
def second_factor_reset(*, user: User, by: User, reason: str, ip: str | None) -> None:
    """For someone who has lost their authenticator and their recovery codes: remove both, so
    that they set up again at their next sign-in. Never one's own (another administrator must
    agree it was really them who asked)."""
    if by.pk == user.pk:
        raise SecondFactorRefused(
            "You cannot reset your own two-step sign-in. Ask another system administrator."
        )
    if not reason.strip():
        raise SecondFactorRefused("Say why the reset is needed.")
    apps = TOTPDevice.objects.filter(user=user).delete()[0]
    codes = StaticToken.objects.filter(device__user=user).count()
    StaticDevice.objects.filter(user=user).delete()
    second_factor_pause_clear(user)
    # Whoever is signed in as them now (perhaps the person who took the phone) is put out too.
    user_sessions_end(user, by=by, reason=f"Two-step sign-in reset: {reason.strip()}", ip=ip)
    event = audit_record(
        verb=PortalEvent.SECOND_FACTOR_RESET,
        actor=by,
        obj=user,
        ip=ip,
        changes={
            "reason": reason.strip(),
            "authenticator_removed": bool(apps),
            "recovery_codes_removed": codes,
        },
    )
    security_event("second_factor.reset", user=user, ip=ip, by_user_id=by.pk)
    notification_queue(
        to=user,
        template=PortalEmail.SECOND_FACTOR_RESET,
        dedup_key=f"second-factor-reset:{user.pk}:{event.pk}",
        context={"reset_at": event.at, "by_name": by.full_name},
    )
