"""Reads worth naming: queries the pages share or that are not obvious."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from portal.access import lockout_username_for
from portal.models import User
from portal.services.second_factor import app_device, paused_until, recovery_codes_left


@dataclass(frozen=True)
class SignInLock:
    """Where a person stands with the lock-out (too many wrong passwords)."""

    locked_until: datetime | None  # None: not locked out anywhere
    recent_failures: int  # wrong passwords counted now, from every address

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None


def sign_in_lock_for(user: User) -> SignInLock:
    """The lock-out counts failures per (email, address) for AXES_COOLOFF_TIME after the last
    one; a person is locked out while any address has reached AXES_FAILURE_LIMIT. One query."""
    cooloff = settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(
        username=lockout_username_for(user), attempt_time__gte=timezone.now() - cooloff
    ).values_list("failures_since_start", "attempt_time")
    locked_at = [at for failures, at in rows if failures >= settings.AXES_FAILURE_LIMIT]
    return SignInLock(
        locked_until=max(locked_at) + cooloff if locked_at else None,
        recent_failures=sum(failures for failures, _at in rows),
    )


@dataclass(frozen=True)
class SecondFactorStatus:
    """Where a person stands with the second step of signing in, for their page."""

    set_up_at: datetime | None  # None: no authenticator app
    last_used_at: datetime | None
    recovery_codes_left: int
    paused_until: datetime | None  # after too many wrong codes
    required: bool  # by their roles or Django admin access


def second_factor_status(user: User) -> SecondFactorStatus:
    device = app_device(user)
    return SecondFactorStatus(
        set_up_at=device.created_at if device else None,
        last_used_at=device.last_used_at if device else None,
        recovery_codes_left=recovery_codes_left(user),
        paused_until=paused_until(user),
        required=user.needs_second_factor,
    )


def account_id_for(sign_in_name: str | None) -> int | None:
    """The id of the account a sign-in name (an email address, in any case) belongs to, if any.
    Logs and counters name accounts by id: what was typed is sometimes a password."""
    return (
        User.objects.filter(email__iexact=(sign_in_name or "").strip())
        .values_list("pk", flat=True)
        .first()
    )


def role_holders(roles: Sequence[str]) -> list[User]:
    """The active people holding any of the roles, in a fixed order. One query."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(roles)).distinct().order_by("pk")
    )
