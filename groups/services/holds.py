"""Holds on chat groups: an FOI request, a subject access request, an investigation or
litigation means nothing may be deleted from some groups' chats.

Placing a hold tells every member, admin and deputy of the groups at once, in one notice each,
not to delete anything, and withdraws any clear-down prompt still open; from then on the
clear-down sweep skips the groups. Each person acknowledges their notice; the follow-up sweep
(hold_followups.py) reminds and escalates those who do not. The DPO can reissue the notices,
records each search made for the request, and releases the hold with a reason, which tells
everyone clear-downs resume. A hold is released, never deleted.

Deleting information after a request arrives, to prevent its disclosure, is an offence (FOIA
s.77; DPA 2018 s.173). The notice names only the kind of request and its reference: never the
note, nor, for a hold on a person, who the person is.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, Hold, HoldNotice, HoldSearch, Membership
from groups.outbox import hold_notice_key, hold_release_key
from groups.services.cleardown_holds import cycles_withdraw_for_hold
from portal.lib.uktime import long_date, long_datetime
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# A hold covers groups that exist as chats: approved ones, and suspended ones (whose chat is
# still there, and still holds what was posted), and closed ones whose chat is not yet deleted.
HOLDABLE = Q(status__in=("approved", "suspended")) | Q(status="closed", chat_deleted_at=None)


class HoldRefused(ValueError):
    """A change to a hold that cannot be made; the message says why in plain words."""


def holdable_groups():
    return ChatGroup.objects.filter(HOLDABLE)


def groups_of_person(person: User):
    """The groups a hold on `person` covers: every approved or suspended group they are in now,
    as a member, admin or deputy."""
    member_of = Membership.objects.current().filter(user_id=person.pk).values("group_id")
    return holdable_groups().filter(
        Q(pk__in=member_of) | Q(admin_id=person.pk) | Q(deputy_id=person.pk)
    )


def covered_groups(
    hold_ids: Iterable[int], user_ids: Iterable[int]
) -> dict[tuple[int, int], list[str]]:
    """For each (hold, person): the names of the hold's groups the person is in now (member,
    admin or deputy), sorted. Two queries, whatever the number of holds and people."""
    users = set(user_ids)
    held = list(
        Hold.groups.through.objects.filter(hold_id__in=list(hold_ids)).values_list(
            "hold_id",
            "chatgroup_id",
            "chatgroup__name",
            "chatgroup__admin_id",
            "chatgroup__deputy_id",
        )
    )
    in_group: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in (
        Membership.objects.current()
        .filter(user_id__in=users, group_id__in={row[1] for row in held})
        .values_list("user_id", "group_id")
    ):
        in_group[group_id].add(user_id)
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for hold_id, group_id, name, admin_id, deputy_id in held:
        for user_id in (in_group[group_id] | {admin_id, deputy_id}) & users:
            found[(hold_id, user_id)].append(name)
    return {key: sorted(names, key=str.lower) for key, names in found.items()}


def _notice_message(
    notice: HoldNotice, hold: Hold, groups: list[str], *, reissued_at: datetime | None = None
) -> Message:
    return Message(
        to=notice.user,
        template=GroupEmail.HOLD_NOTICE,
        dedup_key=hold_notice_key(notice.pk, reissued_at),
        url=reverse("groups:hold_notice", args=[notice.pk]),
        context={
            "kind": hold.get_kind_display(),
            "reference": hold.reference,
            "groups": groups,
            "reissued": reissued_at is not None,
            "acknowledged_at": (
                timezone.localtime(notice.acknowledged_at) if notice.acknowledged_at else None
            ),
        },
    )


def _issue(*, hold: Hold, people: dict[int, User], now: datetime) -> list[HoldNotice]:
    """A notice for each of `people` who has none under `hold` yet, emailed at once. A notice
    already issued is left as it is (one per person per hold: a database constraint)."""
    if not people:
        return []
    have = set(hold.notices.filter(user_id__in=people).values_list("user_id", flat=True))
    new = [
        HoldNotice(hold=hold, user=person, issued_at=now)
        for pk, person in sorted(people.items())
        if pk not in have
    ]
    if not new:
        return []
    # A member added while the hold is being placed is issued a notice by both paths at once:
    # the database keeps one (ON CONFLICT DO NOTHING, waiting for the other to commit), and
    # only the path whose row it is sends the email. Ours are the rows stamped with our `now`.
    HoldNotice.objects.bulk_create(new, ignore_conflicts=True)
    notices = list(
        hold.notices.filter(user_id__in=[n.user_id for n in new], issued_at=now)
        .select_related("user")
        .order_by("pk")
    )
    groups = covered_groups([hold.pk], [n.user_id for n in notices])
    notifications_queue_many(
        messages=[
            _notice_message(notice, hold, groups.get((hold.pk, notice.user_id), []))
            for notice in notices
        ]
    )
    return notices


def _people_in(groups: list[ChatGroup]) -> dict[int, User]:
    """Everyone a notice goes to: each group's current members, admin and deputy, each once,
    if they still work here. One query (the groups come with their admin and deputy)."""
    people: dict[int, User] = {}
    for membership in (
        Membership.objects.current()
        .filter(group__in=groups, user__is_active=True)
        .select_related("user")
    ):
        people[membership.user_id] = membership.user
    for group in groups:
        for runner in (group.admin, group.deputy):
            if runner is not None and runner.is_active:
                people[runner.pk] = runner
    return people


def _locked(groups) -> list[ChatGroup]:
    """The groups a hold will cover, locked before anything is written. The clear-down sweep
    locks its batch of groups (SKIP LOCKED) before it opens their periods: it then passes over
    these until the hold commits (and sees it), or the hold waits for the sweep's batch to
    commit and withdraws the period just prompted. Taking the group first, in pk order, is the
    sweep's order too (group, then the audit chain), so the two cannot deadlock."""
    return list(
        groups.select_related("admin", "deputy").select_for_update(of=("self",)).order_by("pk")
    )


@transaction.atomic
def hold_place(
    *,
    kind: str,
    reference: str,
    request_received_on: date,
    note: str = "",
    groups: Iterable[ChatGroup] = (),
    person: User | None = None,
    by: User,
    ip: str | None = None,
) -> Hold:
    """Place a hold on `groups`, or on `person` (every group they are in now). Everyone in
    those groups is sent a notice not to delete anything; any clear-down prompt still open in
    them is withdrawn."""
    reference = reference.strip()
    if not reference:
        raise HoldRefused(
            "A hold without a reference is refused: enter the reference of the request or "
            "matter (for example the FOI case number), so the hold can be traced to it."
        )
    if kind not in Hold.Kind.values:
        raise HoldRefused("Choose what kind of request or matter the hold is for.")
    if request_received_on > timezone.localdate():
        raise HoldRefused("The date the request arrived cannot be in the future.")
    chosen = [group.pk for group in groups]
    if person is not None and chosen:
        raise HoldRefused("Place a hold on chosen groups or on a person, not both.")
    if person is not None:
        covered = _locked(groups_of_person(person))
        if not covered:
            raise HoldRefused(
                f"{person.full_name} is not in any approved or suspended group, so there is "
                "nothing to hold. Choose the groups instead."
            )
    else:
        covered = _locked(holdable_groups().filter(pk__in=chosen))
        if not chosen:
            raise HoldRefused("Choose at least one group, or a person, to hold.")
        if len(covered) != len(set(chosen)):
            raise HoldRefused("Only approved or suspended groups can be held.")
    now = timezone.now()
    hold = Hold.objects.create(
        kind=kind,
        reference=reference,
        request_received_on=request_received_on,
        note=note.strip(),
        person=person,
        placed_by=by,
        placed_at=now,
    )
    hold.groups.set(covered)
    notices = _issue(hold=hold, people=_people_in(covered), now=now)
    withdrawn = cycles_withdraw_for_hold(hold=hold, groups=covered, now=now, by=by, ip=ip)
    audit_record(
        verb=GroupEvent.HOLD_PLACED,
        actor=by,
        obj=hold,
        changes={
            "kind": kind,
            "reference": reference,
            "request_received_on": request_received_on.isoformat(),
            "groups": {str(group.pk): group.name for group in covered},
            "person": person.email if person else None,
            "notices": len(notices),
            "prompts_withdrawn": len(withdrawn),
        },
        ip=ip,
    )
    return hold


@transaction.atomic
def hold_notices_for_joiner(
    *, group: ChatGroup, user: User, by: User | None, ip: str | None = None
) -> list[HoldNotice]:
    """Someone who has joined `group` (as member, admin or deputy) is sent the notice of every
    open hold covering it, at once. Safe to call twice: a notice already issued is not sent
    again. Returns the notices issued now. Called by the service that adds a member."""
    if not user.is_active:
        return []
    now = timezone.now()
    issued: list[HoldNotice] = []
    for hold in group.holds.open().order_by("pk"):
        issued += _issue(hold=hold, people={user.pk: user}, now=now)
    if issued:
        audit_record(
            verb=GroupEvent.HOLD_NOTICES_ISSUED,
            actor=by,
            obj=group,
            changes={
                "person": user.email,
                "holds": {str(n.hold_id): str(n.hold) for n in issued},
            },
            ip=ip,
        )
    return issued


@transaction.atomic
def hold_notice_acknowledge(*, notice: HoldNotice, by: User, ip: str | None = None) -> HoldNotice:
    """The person confirms they have read the notice. Once: a second time is refused with
    when they did."""
    if by.pk != notice.user_id:
        raise HoldRefused("Only the person a notice was sent to can acknowledge it.")
    row = HoldNotice.objects.select_for_update().select_related("hold").get(pk=notice.pk)
    if row.acknowledged_at is not None:
        raise HoldRefused(
            f"You acknowledged this notice on {long_datetime(row.acknowledged_at)}: there is "
            "nothing more to do, except not to delete anything from the chat."
        )
    if row.hold.released_at is not None:
        raise HoldRefused(
            f"This hold was released on {long_datetime(row.hold.released_at)}: there is "
            "nothing to acknowledge."
        )
    row.acknowledged_at = timezone.now()
    row.save(update_fields=["acknowledged_at"])
    audit_record(
        verb=GroupEvent.HOLD_ACKNOWLEDGED,
        actor=by,
        obj=row,
        changes={"hold": row.hold_id},
        ip=ip,
    )
    return row


@transaction.atomic
def hold_reissue(*, hold: Hold, everyone: bool, by: User, ip: str | None = None) -> int:
    """Send the notice again: to everyone who has not acknowledged it, or (`everyone`) to
    everyone it went to, as a refresher. An acknowledgement already given stands. Returns how
    many were sent."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise HoldRefused("This hold is released: its notices cannot be sent again.")
    now = timezone.now()
    notices = hold.notices.filter(user__is_active=True).select_related("user")
    if not everyone:
        notices = notices.filter(acknowledged_at__isnull=True)
    rows = list(notices.order_by("pk"))
    if not rows:
        raise HoldRefused(
            "Everyone has acknowledged this notice: there is nobody to send it to again."
            if not everyone
            else "Nobody who still works here has been sent this notice."
        )
    HoldNotice.objects.filter(pk__in=[n.pk for n in rows]).update(reissued_at=now)
    groups = covered_groups([hold.pk], [n.user_id for n in rows])
    notifications_queue_many(
        messages=[
            _notice_message(n, hold, groups.get((hold.pk, n.user_id), []), reissued_at=now)
            for n in rows
        ]
    )
    audit_record(
        verb=GroupEvent.HOLD_REISSUED,
        actor=by,
        obj=hold,
        changes={"to": "everyone" if everyone else "unacknowledged", "notices": len(rows)},
        ip=ip,
    )
    return len(rows)


@transaction.atomic
def hold_search_record(
    *,
    hold: Hold,
    searched_at: datetime,
    searched_by: User,
    groups: Iterable[ChatGroup],
    found: str,
    copied_to: str = "",
    by: User,
    ip: str | None = None,
) -> HoldSearch:
    """Record a search made for the request behind `hold`: when, by whom, which of its groups,
    what was found and what was copied where."""
    found = found.strip()
    if not found:
        raise HoldRefused("Say what the search found (or that it found nothing).")
    if searched_at > timezone.now():
        raise HoldRefused("The search cannot have been made in the future.")
    searched = {group.pk for group in groups}
    if not searched:
        raise HoldRefused("Choose the groups that were searched.")
    if not searched <= set(hold.groups.values_list("pk", flat=True)):
        raise HoldRefused("Choose groups this hold covers.")
    search = HoldSearch.objects.create(
        hold=hold,
        searched_at=searched_at,
        searched_by=searched_by,
        found=found,
        copied_to=copied_to.strip(),
        recorded_by=by,
    )
    search.groups.set(searched)
    audit_record(
        verb=GroupEvent.HOLD_SEARCH_RECORDED,
        actor=by,
        obj=hold,
        changes={
            "search": search.pk,
            "searched_at": searched_at.isoformat(),
            "searched_by": searched_by.email,
            "groups": sorted(searched),
            "found": found,
            "copied_to": search.copied_to,
        },
        ip=ip,
    )
    return search


@transaction.atomic
def hold_release(*, hold: Hold, reason: str, by: User, ip: str | None = None) -> Hold:
    """Release the hold: a decision with a reason. Everyone sent its notice is told that
    clear-downs resume (unless another open hold still covers a group of theirs), and the
    clear-down sweep prompts the groups again at their next slot, with no backlog."""
    reason = reason.strip()
    if not reason:
        raise HoldRefused("Say why the hold is released.")
    row = Hold.objects.select_for_update().get(pk=hold.pk)
    if row.released_at is not None:
        raise HoldRefused(f"This hold was already released on {long_datetime(row.released_at)}.")
    now = timezone.now()
    row.released_at, row.released_by, row.release_reason = now, by, reason
    row.save(update_fields=["released_at", "released_by", "release_reason"])
    notices = list(
        row.notices.filter(user__is_active=True, release_sent_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    HoldNotice.objects.filter(pk__in=[n.pk for n in notices]).update(release_sent_at=now)
    # Groups another open hold still covers: their members must go on keeping everything.
    still_held = set(
        Hold.groups.through.objects.filter(
            chatgroup__in=row.groups.all(), hold__released_at__isnull=True
        ).values_list("chatgroup__name", flat=True)
    )
    groups = covered_groups([row.pk], [n.user_id for n in notices])
    messages = []
    for notice in notices:
        names = groups.get((row.pk, notice.user_id), [])
        messages.append(
            Message(
                to=notice.user,
                template=GroupEmail.HOLD_RELEASED,
                dedup_key=hold_release_key(notice.pk),
                url=reverse("groups:hold_notice", args=[notice.pk]),
                context={
                    "kind": row.get_kind_display(),
                    "reference": row.reference,
                    "placed_on": long_date(timezone.localdate(row.placed_at)),
                    "resumed": [name for name in names if name not in still_held],
                    "still_held": [name for name in names if name in still_held],
                },
            )
        )
    notifications_queue_many(messages=messages)
    audit_record(
        verb=GroupEvent.HOLD_RELEASED,
        actor=by,
        obj=row,
        changes={"reason": reason, "told": len(notices)},
        ip=ip,
    )
    return row
