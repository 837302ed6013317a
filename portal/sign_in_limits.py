"""Password spraying: one address trying a few passwords against many accounts stays under the
lockout, which counts per account and address (django-axes). So an address is also judged by how
many different accounts have failed from it recently:

- from PORTAL_SPRAY_SLOW_AFTER accounts (5) it is slowed: each attempt must wait
  PORTAL_SPRAY_SLOW_SECONDS after the address's last failure;
- from PORTAL_SPRAY_ACCOUNTS accounts (10) it is paused: every sign-in from it is refused until
  fewer than that many have failed there within PORTAL_SPRAY_WINDOW (15 minutes).

One person mistyping their own password counts once however often they do it, and a success
clears their failures (AXES_RESET_ON_SUCCESS), so colleagues behind one proxy address are not
paused for it. The failures read are axes' own records (one row per account name and address),
which axes removes after its cool-off: the window is never longer than AXES_COOLOFF_TIME.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.utils import timezone


@dataclass(frozen=True)
class AddressPause:
    until: datetime
    accounts: int  # different accounts that failed from the address within the window
    slowed: bool  # True: a wait of seconds between attempts; False: the full pause

    def seconds_left(self, now: datetime | None = None) -> int:
        return max(int((self.until - (now or timezone.now())).total_seconds()) + 1, 1)


def _window() -> timedelta:
    return min(settings.PORTAL_SPRAY_WINDOW, settings.AXES_COOLOFF_TIME)


def address_pause_for(ip: str | None, now: datetime | None = None) -> AddressPause | None:
    """Whether sign-in from `ip` must wait now, and until when. One query."""
    if not ip:
        return None
    now = now or timezone.now()
    window = _window()
    limit, slow_after = settings.PORTAL_SPRAY_ACCOUNTS, settings.PORTAL_SPRAY_SLOW_AFTER
    latest = list(
        AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=now - window)
        .values("username")
        .annotate(last=Max("attempt_time"))
        .order_by("-last")
        .values_list("last", flat=True)[:limit]
    )
    accounts = len(latest)
    if accounts >= limit:
        # Paused until the oldest of the last `limit` accounts' failures leaves the window.
        return AddressPause(until=latest[limit - 1] + window, accounts=accounts, slowed=False)
    if accounts >= slow_after:
        until = latest[0] + timedelta(seconds=settings.PORTAL_SPRAY_SLOW_SECONDS)
        if until > now:
            return AddressPause(until=until, accounts=accounts, slowed=True)
    return None
