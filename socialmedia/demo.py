"""Demo data for social media accounts, so `make run` shows the register, the Chief Executive's
decisions, the credential register and the permissions waiting for a decision.

- Northshire OPCC on X: active, owned by Sophie Turner; Maria Santos came off the team nine days
  ago, so the password has been due for a change since then (the first weekly reminder is due).
- Northshire OPCC on Facebook: active, owned by Ben Carter; its review was due three weeks ago
  and is not done (the Chief Executive hears of it).
- Northshire OPCC on Instagram: active, owned by Fiona Campbell, reviewed last month.
- Northshire Victims Voice on LinkedIn: applied for by Raj Patel, waiting for a decision.
- Northshire OPCC on YouTube: closed a year ago, deleted on the platform.
- A press release from Sophie Turner and a radio interview for David Nwosu, waiting for the
  Chief Executive's decision.

The history is written as rows dated in the past, as the other demos do: the services record
things as they happen, now, and the audit trail cannot be back-dated. Credentials are sealed
with socialmedia.crypto under the configured key (PORTAL_ENCRYPTION_KEYS), as the register
keeps them. Loading is idempotent: an account already present (by platform and handle), or a
request (by title), is left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.demo import DOMAIN
from portal.models import User
from socialmedia import crypto
from socialmedia.models import (
    Account,
    Credential,
    Decision,
    Kind,
    MfaMethod,
    PermissionRequest,
    Platform,
    RequestVersion,
    Review,
    Subkind,
    TeamMember,
)
from socialmedia.services.review_dates import next_review_due

DAY = timedelta(days=1)
CHIEF_EXECUTIVE = "helen.marsh"
WEBSITE = "https://www.northshire-pcc.example.org"


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


@dataclass
class AccountPlan:
    platform: str
    name: str
    handle: str
    owner: str
    team: list[str]
    purpose: str
    applied_ago: timedelta
    status: str = Account.Status.ACTIVE
    # Who came off the team, and how long ago: the password is due for a change since then.
    left_team: tuple[str, timedelta] | None = None
    # How long ago each review was made, oldest first.
    reviews_ago: list[timedelta] = field(default_factory=list)
    review_due_ago: timedelta | None = None  # past due by this much (else from the last review)
    closed_ago: timedelta | None = None


def _plans() -> list[AccountPlan]:
    return [
        AccountPlan(
            Platform.X,
            "Northshire OPCC",
            "@NorthshirePCC",
            owner="sophie.turner",
            team=["ben.carter", "fiona.campbell"],
            purpose="News of the Commissioner's work, public meetings and consultations.",
            applied_ago=400 * DAY,
            left_team=("maria.santos", 9 * DAY),
            reviews_ago=[300 * DAY, 210 * DAY, 60 * DAY],
        ),
        AccountPlan(
            Platform.FACEBOOK,
            "Northshire OPCC",
            "NorthshireOPCC",
            owner="ben.carter",
            team=["sophie.turner"],
            purpose="Community engagement events and surveys for people across Northshire.",
            applied_ago=500 * DAY,
            reviews_ago=[390 * DAY, 200 * DAY, 110 * DAY],
            review_due_ago=21 * DAY,
        ),
        AccountPlan(
            Platform.INSTAGRAM,
            "Northshire OPCC",
            "@northshire_pcc",
            owner="fiona.campbell",
            team=["sophie.turner"],
            purpose="Pictures from the Commissioner's visits to projects the office funds.",
            applied_ago=200 * DAY,
            reviews_ago=[110 * DAY, 30 * DAY],
        ),
        AccountPlan(
            Platform.LINKEDIN,
            "Northshire Victims Voice",
            "northshire-victims-voice",
            owner="raj.patel",
            team=["chloe.evans"],
            purpose="Tell partner organisations about services for victims the office commissions.",
            applied_ago=3 * DAY,
            status=Account.Status.APPLIED,
        ),
        AccountPlan(
            Platform.YOUTUBE,
            "Northshire OPCC",
            "@NorthshireOPCCvideo",
            owner="fiona.campbell",
            team=[],
            purpose="Recordings of the Police and Crime Panel's public meetings.",
            applied_ago=900 * DAY,
            status=Account.Status.CLOSED,
            closed_ago=365 * DAY,
        ),
    ]


def _seal(account: Account, values: dict[str, str]) -> dict[str, str]:
    return {
        f"{name}_sealed": crypto.seal(value, at=crypto.place(account.pk, name))
        for name, value in values.items()
    }


def _make(plan: AccountPlan, now: datetime) -> Account | None:
    if Account.objects.filter(platform=plan.platform, handle=plan.handle).exists():
        return None
    owner = _person(plan.owner)
    chief = _person(CHIEF_EXECUTIVE)
    applied_at = now - plan.applied_ago
    opened = plan.status != Account.Status.APPLIED
    decided_at = applied_at + 4 * DAY
    opened_at = applied_at + 8 * DAY
    account = Account(
        platform=plan.platform,
        name=plan.name,
        handle=plan.handle,
        purpose=plan.purpose,
        audience="People who live and work in Northshire, and the organisations we work with.",
        website_link=WEBSITE,
        content_plan="Two or three posts a week, planned at the communications team's meeting.",
        applicant=owner,
        owner=owner,
        responsibilities_confirmed_at=applied_at,
        submitted_at=applied_at,
        status=plan.status,
    )
    if opened:
        account.decided_at, account.decided_by = decided_at, chief
        account.opened_at, account.last_rotated_at = opened_at, opened_at
        account.url = f"https://{plan.platform}.example.com/{plan.handle.lstrip('@')}"
    if plan.reviews_ago:
        account.last_reviewed_at = now - plan.reviews_ago[-1]
    if opened and plan.status != Account.Status.CLOSED:
        last = account.last_reviewed_at or opened_at
        account.review_due_at = (
            now - plan.review_due_ago if plan.review_due_ago else next_review_due(last)
        )
    if plan.left_team:
        account.rotation_due_since = now - plan.left_team[1]
        account.rotation_due_reason = f"{_person(plan.left_team[0]).full_name} left the team."
    if plan.closed_ago is not None:
        account.closed_at = now - plan.closed_ago
        account.closed_by = owner
        account.closed_reason = "Nobody watches the meetings here; they are on the website."
        account.deleted_on_platform = True
    account.save()
    _team(account, plan, now)
    _history(account, plan, chief, now)
    return account


def _team(account: Account, plan: AccountPlan, now: datetime) -> None:
    rows = [
        TeamMember(
            account=account,
            user=_person(local),
            added_at=account.submitted_at,
            added_by=account.owner,
            removed_at=account.closed_at,
            removed_by=account.closed_by,
            removal_reason="The account was closed." if account.closed_at else "",
        )
        for local in [plan.owner, *plan.team]
    ]
    if plan.left_team:
        local, ago = plan.left_team
        rows.append(
            TeamMember(
                account=account,
                user=_person(local),
                added_at=account.submitted_at,
                added_by=account.owner,
                removed_at=now - ago,
                removed_by=account.owner,
                removal_reason="Moved to the Commissioner's casework team.",
            )
        )
    TeamMember.objects.bulk_create(rows)


def _history(account: Account, plan: AccountPlan, chief: User, now: datetime) -> None:
    if account.decided_at is None:
        return
    Decision.objects.create(
        account=account,
        outcome=Decision.Outcome.APPROVED,
        reason="It reaches people our website does not, and the team has two people trained.",
        decided_by=chief,
        decided_at=account.decided_at,
    )
    assert account.opened_at is not None  # decided accounts here were opened
    if account.status != Account.Status.CLOSED:
        Credential.objects.create(
            account=account,
            mfa_method=MfaMethod.APP,
            registered_at=account.opened_at,
            registered_by=account.owner,
            updated_at=account.opened_at,
            updated_by=account.owner,
            password_changed_at=account.opened_at,
            **_seal(
                account,
                {
                    "username": f"northshire.{account.platform}",
                    "password": f"Demo-only-{account.platform}-passphrase-7",
                    "recovery_email": f"comms@{DOMAIN}",
                    "recovery_codes_location": "Printed, in the communications team's safe.",
                },
            ),
        )
    Review.objects.bulk_create(
        Review(
            account=account,
            reviewed_by=account.owner,
            reviewed_at=now - ago,
            accurate=True,
            links_back=True,
            team_right=index != 0 or len(plan.reviews_ago) == 1,
            notes=(
                ""
                if index != 0 or len(plan.reviews_ago) == 1
                else "A former volunteer still had access: I have asked for them to be removed."
            ),
        )
        for index, ago in enumerate(plan.reviews_ago)
    )


@dataclass
class RequestPlan:
    kind: str
    subkind: str
    title: str
    requester: str
    text: str
    submitted_ago: timedelta
    needed_in: timedelta


def _requests() -> list[RequestPlan]:
    return [
        RequestPlan(
            Kind.PUBLICATION,
            Subkind.PRESS_RELEASE,
            "Commissioner funds three new rural crime officers",
            "sophie.turner",
            "The Police and Crime Commissioner for Northshire has today funded three new rural "
            "crime officers, who will start in the spring and work with farmers and rural "
            "businesses across the county.",
            2 * DAY,
            5 * DAY,
        ),
        RequestPlan(
            Kind.SPEAKING,
            Subkind.INTERVIEW,
            "Radio Northshire interview on victims' services",
            "david.nwosu",
            "A ten-minute live interview on the breakfast programme about the new victims' "
            "hub: what it offers and how to be referred. No questions on operational matters.",
            DAY,
            9 * DAY,
        ),
    ]


def _request(plan: RequestPlan, now: datetime) -> PermissionRequest | None:
    if PermissionRequest.objects.filter(title=plan.title).exists():
        return None
    requester = _person(plan.requester)
    submitted_at = now - plan.submitted_ago
    request = PermissionRequest.objects.create(
        kind=plan.kind,
        subkind=plan.subkind,
        title=plan.title,
        requester=requester,
        needed_by=timezone.localdate(now + plan.needed_in),
        submitted_at=submitted_at,
    )
    RequestVersion.objects.create(
        request=request,
        number=1,
        text=plan.text,
        submitted_by=requester,
        submitted_at=submitted_at,
    )
    return request


def load_socialmedia_demo(*, log: Callable[[str], Any]) -> None:
    now = timezone.now()
    with transaction.atomic():
        accounts = [a for plan in _plans() if (a := _make(plan, now))]
        requests = [r for plan in _requests() if (r := _request(plan, now))]
    log(f"Social media: {len(accounts)} accounts and {len(requests)} permission requests added.")
