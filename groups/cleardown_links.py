"""The one-click link in a clear-down email: signed for one person and one cycle, good until
the cycle closes (portal/lib/signed_links.py).

The link works without signing in: the email is read on the phone that holds the chat, where
the person is seldom signed in to the intranet, and the token alone says who they are and which
period they cleared. What it can do is small: record that this person cleared this group's chat
in this period, once, while they still work here and are still in the group, and the group is
still approved. Someone signed in as another person is refused, so a forwarded link is not
confirmed in a colleague's name by mistake.
"""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from groups.models import ClearDownCycle, ClearDownPrompt, Hold
from groups.services.cleardown_confirmations import group_refusal, person_refusal
from portal.lib.signed_links import (
    SignedLinkError,
    SignedLinkExpired,
    SignedLinkInvalid,
    signed_link_check,
    signed_link_token,
)
from portal.lib.uktime import long_datetime

PURPOSE = "groups.cleardown"


def cleardown_link_path(*, cycle_id: int, user_id: int) -> str:
    token = signed_link_token(purpose=PURPOSE, user_id=user_id, object_id=cycle_id)
    return reverse("groups:cleardown_link", args=[cycle_id, user_id, token])


def cleardown_link_paths(*, cycle_id: int, user_ids: list[int]) -> dict[int, str]:
    """cleardown_link_path for many people in one cycle: the address is reversed once and
    each person's id and token put in it (reversing it for each of a sweep's 100,000 members
    costs more than signing their tokens)."""
    pattern = reverse("groups:cleardown_link", args=[cycle_id, 1, "TOKEN"])
    head, _, _ = pattern.rpartition("/1/TOKEN/")
    return {
        user_id: f"{head}/{user_id}/"
        f"{signed_link_token(purpose=PURPOSE, user_id=user_id, object_id=cycle_id)}/"
        for user_id in user_ids
    }


@dataclass(frozen=True)
class LinkCheck:
    """What a link may do. `prompt` is set when it may record a clear-down now; otherwise
    `refusal` says why not, or `hold` names the hold the group is under (or, once released, the
    hold the period was withdrawn under), or `confirmed_at` says when this person already
    confirmed."""

    prompt: ClearDownPrompt | None = None
    refusal: str = ""
    expired: bool = False
    hold: Hold | None = None
    confirmed_at: datetime | None = None


def cleardown_link_check(
    *, cycle: ClearDownCycle | None, user_id: int, token: str, now: datetime, hold: Hold | None
) -> LinkCheck:
    """Check a link against the cycle it names (`cycle` None: no such cycle) and the hold that
    stops its clear-down (`cycle_hold`). The order matters: a forged link learns nothing about
    the cycle, and a held group is explained before anything else a genuine link could say."""
    if cycle is None:
        return LinkCheck(refusal=str(SignedLinkInvalid("This link is not valid.")))
    try:
        signed_link_check(
            token=token,
            purpose=PURPOSE,
            user_id=user_id,
            object_id=cycle.pk,
            # The token is made when the prompt is sent, after the cycle opened; the cycle's own
            # end (below) is the real expiry.
            max_age=cycle.closes_at - cycle.opens_at,
        )
    except SignedLinkExpired:
        return _expired(cycle)
    except SignedLinkError as exc:
        return LinkCheck(refusal=str(exc))
    if hold is not None:
        return LinkCheck(hold=hold)
    prompt = next((p for p in cycle.prompts.all() if p.user_id == user_id), None)
    if prompt is None:
        return LinkCheck(refusal="You were not asked to clear this group's chat in this period.")
    if prompt.confirmed_at is not None:
        return LinkCheck(confirmed_at=prompt.confirmed_at)
    if now >= cycle.closes_at:
        return _expired(cycle)
    if refusal := group_refusal(cycle.group) or person_refusal(cycle, prompt.user):
        return LinkCheck(refusal=refusal)
    return LinkCheck(prompt=prompt)


def _expired(cycle: ClearDownCycle) -> LinkCheck:
    return LinkCheck(
        refusal=f"This link expired when the period ended, on {long_datetime(cycle.closes_at)}.",
        expired=True,
    )
