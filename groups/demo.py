"""Demo data for the chat-group register: a handful of groups in every state, with months of
clear-down history, so `make run` shows the register, the DPO's overview and a group "as at a
date" with something to read.

- Victims' services partners: approved; four months of weekly clear-downs, mostly confirmed,
  one period missed while the scheduler was down, a member who joined part-way, and one who
  persistently does not confirm; a concern about something posted.
- Communications out of hours: approved and under an FOI hold: the period running when the
  hold was placed was withdrawn, and those since were skipped; half the notices acknowledged.
- Custody visiting rota: suspended (today) while its risk assessment is revised.
- IT on-call: approved over a year ago, its annual review overdue, and an admin who has not
  confirmed posting the last few prompts.
- Complaints casework: its admin has left the organisation; it needs a new admin, and its
  deputy runs clear-downs meanwhile.
- Front desk cover: an application awaiting the DPO; Community events volunteers: changes
  asked for.

The history is written as rows dated in the past: the services that will record these things
(registration, decisions, the clear-down sweep, holds, membership) record them as they happen,
now, and the audit trail cannot be back-dated. Every row keeps the models' constraints. The
two things that happen "today" go through what exists: the leaver through `user_deactivate`
(so the register's leaver hook runs as for anyone), and the suspension through
`chat_group_suspend`, which writes its audit event and tells the admin.
Loading is idempotent: a group already present (by name) is left exactly as it is.
"""

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Concern,
    Hold,
    HoldNotice,
    Membership,
    Platform,
    Review,
    Submission,
)
from groups.services.lifecycle import chat_group_suspend
from portal.demo import DOMAIN
from portal.models import Department, User
from portal.services.users import user_create, user_deactivate

DPO_EMAIL = f"ruth.adeyemi@{DOMAIN}"
# Demo only: members are asked to confirm within two days of a period opening.
DEADLINE_AFTER = timedelta(days=2)
WEEK = timedelta(days=7)
LEAVER = ("dean.foster", "Dean Foster", "N0052", "Complaints Caseworker", "STAND")


def _email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def _slot(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _spread(*parts: object) -> int:
    """A number from 0 to 99 fixed by its parts, so "who confirmed when" is the same on every
    load (no randomness in demo data)."""
    return zlib.crc32("/".join(map(str, parts)).encode()) % 100


@dataclass
class Plan:
    """One demo group: who runs it and is in it, and what became of each of its periods."""

    name: str
    admin: str
    deputy: str
    members: list[str]
    purpose: str
    audience: str
    weekday: int
    at: time
    weeks: int = 16  # how many weekly periods of history
    platform: str = Platform.WHATSAPP
    # Joined part-way: (member, week the first period they were asked in).
    joiners: dict[str, int] = field(default_factory=dict)
    # week → outcome and cause for periods not prompted.
    missed: dict[int, str] = field(default_factory=dict)
    # Per cent of prompts each member confirms (default 92).
    confirms: dict[str, int] = field(default_factory=dict)
    # Weeks (counted back from the latest) whose prompt the admin did not confirm posting.
    unposted_last: int = 0


PARTNERS = Plan(
    name="Victims' services partners",
    admin="raj.patel",
    deputy="chloe.evans",
    members=["david.nwosu", "hannah.reid", "grace.lin"],
    purpose="Letting commissioned victims' services know at once about changes to referral "
    "routes and opening hours.",
    audience="The victims' services team and the managers of the services we commission.",
    weekday=0,
    at=time(10, 0),
    joiners={"grace.lin": 11},
    missed={7: "The scheduler was not running (server maintenance over the weekend)."},
    confirms={"hannah.reid": 30},
)
COMMS = Plan(
    name="Communications out of hours",
    admin="fiona.campbell",
    deputy="sophie.turner",
    members=["ben.carter", "maria.santos"],
    purpose="Reaching the duty press officer quickly when a media enquiry comes in out of hours.",
    audience="The communications team on the out-of-hours rota.",
    weekday=2,
    at=time(9, 0),
    weeks=12,
)
CUSTODY = Plan(
    name="Custody visiting rota",
    admin="hannah.reid",
    deputy="raj.patel",
    members=["chloe.evans"],
    purpose="Swapping custody visiting slots between volunteers.",
    audience="Independent custody visitors and the scheme's coordinator.",
    weekday=4,
    at=time(18, 0),
    weeks=8,
)
ON_CALL = Plan(
    name="IT on-call",
    admin="gareth.lewis",
    deputy="nadia.rahman",
    members=["kyle.morgan", "ellen.fraser"],
    purpose="Handing over the out-of-hours IT on-call phone and flagging outages.",
    audience="The IT service desk and engineers on the on-call rota.",
    weekday=1,
    at=time(8, 30),
    weeks=58,
    platform=Platform.SIGNAL,
    unposted_last=3,
)
CASEWORK = Plan(
    name="Complaints casework",
    admin=LEAVER[0],
    deputy="janet.moore",
    members=["alan.brooks", "sandra.kowalski"],
    purpose="Arranging cover for complaint review meetings.",
    audience="The complaints and casework team.",
    weekday=3,
    at=time(11, 30),
    weeks=10,
)

SUSPENDED_REASON = (
    "Visit times were being posted in the group, which is operational information. Suspended "
    "while the risk assessment is revised."
)
CHANGES_REASON = (
    "Please say which partner organisations' volunteers will be in the group, and how you "
    "will remove them when their volunteering ends."
)


@dataclass
class GroupsDemoSummary:
    groups_created: int = 0
    cycles_created: int = 0
    names: list[str] = field(default_factory=list)


class _People:
    """The demo people by the part of their email before the @, read once."""

    def __init__(self) -> None:
        self.by_local = {
            u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}")
        }

    def __getitem__(self, local: str) -> User:
        try:
            return self.by_local[local]
        except KeyError:
            raise ValueError(
                f"The chat-group demo needs the demo person {_email(local)}."
            ) from None


def _group(plan: Plan, people: _People, *, status: str, approved_at: datetime | None, **extra):
    deputy = people[plan.deputy] if plan.deputy else None
    created = (approved_at or timezone.now()) - timedelta(days=12)
    return ChatGroup.objects.create(
        name=plan.name,
        platform=plan.platform,
        purpose=plan.purpose,
        audience=plan.audience,
        will_post="Who is covering, changes of time or place, and requests to call back.",
        never_post="Operational information, protectively marked material, or personal details "
        "of victims, detainees or members of the public.",
        why_not_corporate="Most of the people in it are away from a desk when they need an "
        "answer, and some are not on our email system.",
        expected_size=len(plan.members) + 2,
        logo_confirmed=True,
        cleardown_weekday=plan.weekday,
        cleardown_time=plan.at,
        applicant=people[plan.admin],
        admin=people[plan.admin],
        deputy=deputy,
        status=status,
        created_at=created,
        approved_at=approved_at,
        **extra,
    )


def _approved_submission(group: ChatGroup, dpo: User) -> None:
    assert group.approved_at is not None
    Submission.objects.create(
        group=group,
        submitted_by=group.applicant,
        submitted_at=group.approved_at - timedelta(days=3),
        details={"name": group.name, "purpose": group.purpose},
        outcome=Submission.Outcome.APPROVED,
        decided_by=dpo,
        decided_at=group.approved_at,
    )


def _history(
    plan: Plan,
    group: ChatGroup,
    people: _People,
    *,
    now: datetime,
    hold: Hold | None = None,
    stop_at: datetime | None = None,
) -> int:
    """Memberships from approval, and one period a week up to now: prompted (with who
    confirmed), missed, or skipped/withdrawn under `hold`. Returns the periods created."""
    today = timezone.localdate(now)
    latest = today - timedelta(days=(today.weekday() - plan.weekday) % 7)
    if _slot(latest, plan.at) > now:
        latest -= WEEK
    first = latest - WEEK * (plan.weeks - 1)
    slots = [_slot(first + WEEK * k, plan.at) for k in range(plan.weeks + 1)]
    assert group.approved_at is not None
    joined_at = {
        local: slots[week] - timedelta(days=1) for local, week in plan.joiners.items()
    } | {local: group.approved_at for local in [plan.admin, plan.deputy, *plan.members]
         if local not in plan.joiners}  # fmt: skip
    Membership.objects.bulk_create(
        Membership(
            group=group,
            user=people[local],
            added_at=added,
            added_by=people[plan.admin],
            rules_sent_at=added,
            rules_acknowledged_at=added + timedelta(hours=2),
        )
        for local, added in joined_at.items()
    )
    ChatGroup.objects.filter(pk=group.pk).update(
        cycle_anchor=first,
        next_cycle_at=slots[-1] if stop_at is None else None,
    )
    created = 0
    for week, opens in enumerate(slots[:-1]):
        if stop_at is not None and opens >= stop_at:
            break
        closes = slots[week + 1]
        common = {
            "group": group,
            "opens_at": opens,
            "closes_at": closes,
            "deadline_at": opens + DEADLINE_AFTER,
            "created_at": opens,
        }
        created += 1
        if week in plan.missed:
            ClearDownCycle.objects.create(
                outcome=ClearDownCycle.Outcome.MISSED, cause=plan.missed[week], **common
            )
            continue
        if hold is not None and opens >= hold.placed_at:
            ClearDownCycle.objects.create(
                outcome=ClearDownCycle.Outcome.SKIPPED,
                cause=f"{hold.get_kind_display()} {hold.reference} was open.",
                hold=hold,
                **common,
            )
            continue
        withdrawn = hold is not None and opens < hold.placed_at < closes
        unposted = week >= plan.weeks - plan.unposted_last
        cycle = ClearDownCycle.objects.create(
            outcome=ClearDownCycle.Outcome.PROMPTED,
            prompter=people[plan.admin],
            prompt_posted_at=None if unposted else opens + timedelta(minutes=25),
            hold=hold if withdrawn else None,
            withdrawn_at=hold.placed_at if withdrawn and hold else None,
            **common,
        )
        asked = [local for local, added in joined_at.items() if added <= opens]
        prompts = []
        for local in sorted(asked):
            roll = _spread(plan.name, week, local)
            confirmed_at = opens + timedelta(hours=1 + roll * 40 // 100)
            cutoff = min(now, hold.placed_at) if withdrawn and hold else now
            confirms = roll < plan.confirms.get(local, 92) and confirmed_at <= cutoff
            prompts.append(
                ClearDownPrompt(
                    cycle=cycle,
                    user=people[local],
                    confirmed_at=confirmed_at if confirms else None,
                    confirmed_via=(("email_link" if roll % 3 else "portal") if confirms else ""),
                )
            )
        ClearDownPrompt.objects.bulk_create(prompts)
    return created


def _partners(people: _People, dpo: User, now: datetime) -> tuple[ChatGroup, int]:
    approved = now - WEEK * (PARTNERS.weeks + 1)
    group = _group(
        PARTNERS,
        people,
        status=ChatGroup.Status.APPROVED,
        approved_at=approved,
        review_due_at=approved + timedelta(days=365),
        last_reviewed_at=now - timedelta(days=20),
    )
    _approved_submission(group, dpo)
    cycles = _history(PARTNERS, group, people, now=now)
    Review.objects.create(
        group=group,
        reviewed_by=people[PARTNERS.admin],
        reviewed_at=now - timedelta(days=20),
        purpose_holds=True,
        membership_right=True,
        notes="Added the new information rights officer.",
    )
    Concern.objects.create(
        group=group,
        kind=Concern.Kind.WRONG_CONTENT,
        details="A victim's first name and the street they live on were posted to arrange a visit.",
        raised_by=people["grace.lin"],
        raised_at=now - timedelta(days=2),
    )
    return group, cycles


def _comms(people: _People, dpo: User, now: datetime) -> tuple[ChatGroup, int]:
    approved = now - WEEK * (COMMS.weeks + 1)
    group = _group(
        COMMS,
        people,
        status=ChatGroup.Status.APPROVED,
        approved_at=approved,
        review_due_at=approved + timedelta(days=365),
    )
    _approved_submission(group, dpo)
    # Placed part-way through a period: that period's prompt is withdrawn, later ones skipped.
    today = timezone.localdate(now)
    last_slot_day = today - timedelta(days=(today.weekday() - COMMS.weekday) % 7)
    placed = _slot(last_slot_day - WEEK * 2, COMMS.at) + timedelta(hours=30)
    hold = Hold.objects.create(
        kind=Hold.Kind.FOI,
        reference="FOI-2026-0142",
        request_received_on=timezone.localdate(placed),
        note="Request for messages about the press statement on the custody review.",
        placed_by=dpo,
        placed_at=placed,
    )
    hold.groups.add(group)
    cycles = _history(COMMS, group, people, now=now, hold=hold)
    acknowledged = {COMMS.admin, "ben.carter"}
    HoldNotice.objects.bulk_create(
        HoldNotice(
            hold=hold,
            user=people[local],
            issued_at=placed,
            acknowledged_at=placed + timedelta(hours=3) if local in acknowledged else None,
            reminded_at=None if local in acknowledged else placed + timedelta(days=3),
        )
        for local in [COMMS.admin, COMMS.deputy, *COMMS.members]
    )
    return group, cycles


def _custody(people: _People, dpo: User, now: datetime) -> tuple[ChatGroup, int]:
    approved = now - WEEK * (CUSTODY.weeks + 1)
    group = _group(
        CUSTODY,
        people,
        status=ChatGroup.Status.APPROVED,
        approved_at=approved,
        review_due_at=approved + timedelta(days=365),
    )
    _approved_submission(group, dpo)
    cycles = _history(CUSTODY, group, people, now=now, stop_at=now)
    # Suspended now, by the DPO, through the register's own service: its audit event, and the
    # admin told, as for any suspension.
    group = chat_group_suspend(group=group, by=dpo, reason=SUSPENDED_REASON)
    return group, cycles


def _on_call(people: _People, dpo: User, now: datetime) -> tuple[ChatGroup, int]:
    approved = now - WEEK * (ON_CALL.weeks + 1)
    group = _group(
        ON_CALL,
        people,
        status=ChatGroup.Status.APPROVED,
        approved_at=approved,
        review_due_at=now - timedelta(days=12),
    )
    _approved_submission(group, dpo)
    return group, _history(ON_CALL, group, people, now=now)


def _leaver(people: _People) -> User:
    local, name, number, title, department = LEAVER
    user = User.objects.filter(email=_email(local)).first()
    if user is None:
        user = user_create(
            full_name=name,
            email=_email(local),
            by=None,
            staff_number=number,
            job_title=title,
            department=Department.objects.filter(code=department).first(),
            note="demo data",
        )
    people.by_local[local] = user
    return user


def _casework(people: _People, dpo: User, now: datetime) -> tuple[ChatGroup, int]:
    leaver = _leaver(people)
    approved = now - WEEK * (CASEWORK.weeks + 1)
    group = _group(
        CASEWORK,
        people,
        status=ChatGroup.Status.APPROVED,
        approved_at=approved,
        review_due_at=approved + timedelta(days=365),
    )
    _approved_submission(group, dpo)
    cycles = _history(CASEWORK, group, people, now=now)
    # The admin leaves today, through the portal's leaver service: the register's own leaver
    # hook (where it exists) removes them and flags the group; what is still undone is done
    # here, so the demo reads the same either way.
    user_deactivate(user=leaver, by=None, reason="Left the organisation (demo data).")
    left = timezone.now()
    Membership.objects.filter(user=leaver, removed_at__isnull=True).update(
        removed_at=left, removal_reason="Left the organisation."
    )
    ChatGroup.objects.filter(pk=group.pk).update(needs_admin=True)
    return group, cycles


def _applications(people: _People, dpo: User, now: datetime) -> list[ChatGroup]:
    front_desk = Plan(
        name="Front desk cover",
        admin="jo.whitaker",
        deputy="mark.ellis",
        members=["laura.bennett"],
        purpose="Arranging cover for the front desk at short notice.",
        audience="The business services team and reception volunteers.",
        weekday=0,
        at=time(9, 0),
    )
    events = Plan(
        name="Community events volunteers",
        admin="ben.carter",
        deputy="sophie.turner",
        members=["maria.santos"],
        purpose="Coordinating volunteers at community engagement events.",
        audience="Engagement officers and the volunteers who staff our stalls.",
        weekday=5,
        at=time(10, 0),
    )
    made = []
    for plan, status in (
        (front_desk, ChatGroup.Status.SUBMITTED),
        (events, ChatGroup.Status.CHANGES_ASKED),
    ):
        if ChatGroup.objects.filter(name=plan.name).exists():
            continue
        group = _group(plan, people, status=status, approved_at=None)
        ChatGroup.objects.filter(pk=group.pk).update(created_at=now - timedelta(days=9))
        Membership.objects.bulk_create(
            Membership(group=group, user=people[local], added_at=now - timedelta(days=9))
            for local in [plan.admin, plan.deputy, *plan.members]
        )
        decided = status == ChatGroup.Status.CHANGES_ASKED
        Submission.objects.create(
            group=group,
            submitted_by=group.applicant,
            submitted_at=now - timedelta(days=8 if decided else 2),
            details={"name": group.name, "purpose": group.purpose},
            outcome=Submission.Outcome.CHANGES_ASKED if decided else Submission.Outcome.PENDING,
            reason=CHANGES_REASON if decided else "",
            decided_by=dpo if decided else None,
            decided_at=now - timedelta(days=5) if decided else None,
        )
        made.append(group)
    return made


BUILDERS: list[tuple[str, Callable[[_People, User, datetime], tuple[ChatGroup, int]]]] = [
    (PARTNERS.name, _partners),
    (COMMS.name, _comms),
    (CUSTODY.name, _custody),
    (ON_CALL.name, _on_call),
    (CASEWORK.name, _casework),
]


@transaction.atomic
def demo_groups_load() -> GroupsDemoSummary:
    summary = GroupsDemoSummary()
    dpo = User.objects.filter(email=DPO_EMAIL, is_active=True).first()
    if dpo is None:
        raise ValueError(f"The chat-group demo needs the demo DPO {DPO_EMAIL}.")
    people = _People()
    now = timezone.now()
    for name, build in BUILDERS:
        if ChatGroup.objects.filter(name=name).exists():
            continue
        group, cycles = build(people, dpo, now)
        summary.groups_created += 1
        summary.cycles_created += cycles
        summary.names.append(group.name)
    for group in _applications(people, dpo, now):
        summary.groups_created += 1
        summary.names.append(group.name)
    if not Concern.objects.filter(group__isnull=True, group_described="Northshire events").exists():
        Concern.objects.create(
            group_described="Northshire events",
            kind=Concern.Kind.UNREGISTERED,
            details="A WhatsApp group used to organise event staffing that is not on the register.",
            raised_by=people["fiona.campbell"],
            raised_at=now - timedelta(days=30),
            action_taken="The group's admin applied to register it; the old group was deleted.",
            resolved_by=dpo,
            resolved_at=now - timedelta(days=26),
        )
    return summary


def load_groups_demo(*, log: Callable[[str], None]) -> None:
    """The chat-group register's demo loader, as called by `manage.py load_demo`."""
    summary = demo_groups_load()
    if not summary.groups_created:
        log("Chat groups: already loaded.")
        return
    log(
        f"Chat groups: {summary.groups_created} created ({', '.join(summary.names)}), with "
        f"{summary.cycles_created} clear-down periods of history."
    )
