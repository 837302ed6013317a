"""Applying to register a group: saving a draft, sending it to the DPO (again, after a refusal
or a request for changes), and proposing a change to an approved registration.

The applicant becomes the group's admin. Each time the application is sent, a Submission keeps
exactly what was sent (every field and the people named), so the history survives revisions.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEmail, GroupEvent
from groups.models import (
    DEFAULT_CLEAR_DOWN_TIME,
    ChatGroup,
    ExternalMember,
    Membership,
    Platform,
    Submission,
    Weekday,
)
from groups.outbox import submitted_key
from groups.selectors import current_externals, data_protection_officers
from groups.snapshots import snapshot
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

NOT_EDITABLE = (
    "This application can no longer be changed: it is with the data protection officer or "
    "has been decided."
)
ALREADY_PENDING = "A change to this group is already waiting for the data protection officer."


@dataclass(frozen=True)
class ExternalPerson:
    name: str
    organisation: str
    contact: str


@dataclass
class Application:
    """What the applicant wrote. Services take these values, never a form."""

    name: str
    platform: str = ""
    platform_other: str = ""
    purpose: str = ""
    audience: str = ""
    will_post: str = ""
    never_post: str = ""
    why_not_corporate: str = ""
    expected_size: int | None = None
    has_external_members: bool = False
    logo_confirmed: bool = False
    cleardown_weekday: int = Weekday.MONDAY
    cleardown_time: time = DEFAULT_CLEAR_DOWN_TIME
    deputy: User | None = None
    members: Sequence[User] = field(default_factory=list)
    externals: Sequence[Any] = field(default_factory=list)


_TEXT_FIELDS = (
    "name",
    "platform",
    "platform_other",
    "purpose",
    "audience",
    "will_post",
    "never_post",
    "why_not_corporate",
)


def _missing(application: Application, applicant: User) -> dict[str, str]:
    """What stops an application being sent (the form says the same, field by field)."""
    problems = {}
    if not application.name.strip():
        problems["name"] = "Give the group a name."
    if application.platform not in Platform.values:
        problems["platform"] = "Choose the app the group uses."
    for name in ("purpose", "audience", "will_post", "never_post", "why_not_corporate"):
        if not getattr(application, name).strip():
            problems[name] = "This is needed before the application can be sent."
    if not application.expected_size:
        problems["expected_size"] = "Say how many members the group is expected to have."
    if application.deputy is None:
        problems["deputy"] = "Name a deputy admin."
    if not application.logo_confirmed:
        problems["logo_confirmed"] = "Confirm the group carries the organisation's logo."
    return problems


def _check(application: Application, applicant: User) -> None:
    if not application.name.strip():
        raise ValidationError({"name": "Give the group a name (even a draft needs one)."})
    if application.platform == Platform.OTHER and not application.platform_other.strip():
        raise ValidationError({"platform_other": "Say which app the group uses."})
    if application.deputy is not None and application.deputy.pk == applicant.pk:
        raise ValidationError({"deputy": "The admin cannot also be the deputy."})


def _write(group: ChatGroup, application: Application) -> None:
    for name in _TEXT_FIELDS:
        setattr(group, name, getattr(application, name).strip())
    if group.platform != Platform.OTHER:
        group.platform_other = ""
    group.expected_size = application.expected_size or 0
    group.has_external_members = application.has_external_members or bool(application.externals)
    group.logo_confirmed = application.logo_confirmed
    group.cleardown_weekday = application.cleardown_weekday
    group.cleardown_time = application.cleardown_time
    group.deputy = application.deputy
    group.save()


def _sync_members(group: ChatGroup, application: Application, by: User) -> None:
    """The application's people become current memberships: the admin and deputy always;
    anyone taken off the list is marked removed (never deleted: rows are evidence)."""
    now = timezone.now()
    wanted = {group.admin_id: group.admin}
    if group.deputy is not None:
        wanted[group.deputy.pk] = group.deputy
    for person in application.members:
        wanted.setdefault(person.pk, person)
    current = {m.user_id: m for m in group.memberships.current()}
    gone = [m.pk for user_id, m in current.items() if user_id not in wanted]
    if gone:
        # A group never approved has no chat to take them out of: nothing for the admin to do.
        never_approved = group.approved_at is None
        Membership.objects.filter(pk__in=gone).update(
            removed_at=now,
            removed_by=by,
            removal_reason="Taken off the application.",
            chat_removal_confirmed_at=now if never_approved else None,
            chat_removal_confirmed_by=by if never_approved else None,
        )
    Membership.objects.bulk_create(
        Membership(group=group, user=person, added_at=now, added_by=by)
        for user_id, person in wanted.items()
        if user_id not in current
    )
    people = {(p.name, p.organisation, p.contact) for p in application.externals}
    listed = {(e.name, e.organisation, e.contact): e for e in current_externals(group)}
    gone_external = [e.pk for key, e in listed.items() if key not in people]
    if gone_external:
        ExternalMember.objects.filter(pk__in=gone_external).update(removed_at=now, removed_by=by)
    ExternalMember.objects.bulk_create(
        ExternalMember(
            group=group,
            name=name,
            organisation=organisation,
            contact=contact,
            added_at=now,
            added_by=by,
        )
        for (name, organisation, contact) in sorted(people)
        if (name, organisation, contact) not in listed
    )


def _locked_editable(group: ChatGroup, by: User) -> ChatGroup:
    current = (
        ChatGroup.objects.select_for_update(of=("self",))
        .select_related("admin", "applicant")
        .get(pk=group.pk)
    )
    if by.pk not in (current.applicant_id, current.admin_id):
        raise PermissionDenied("Only the applicant can change an application.")
    if not current.is_editable:
        raise ValidationError(NOT_EDITABLE)
    return current


def _save(group: ChatGroup | None, application: Application, by: User) -> tuple[ChatGroup, bool]:
    _check(application, by)
    created = group is None
    if group is None:
        group = ChatGroup(applicant=by, admin=by, status=ChatGroup.Status.DRAFT)
    else:
        group = _locked_editable(group, by)
    _write(group, application)
    _sync_members(group, application, by)
    return group, created


def _tell_dpo(submission: Submission, by: User) -> None:
    url = reverse("groups:decide", args=[submission.group_id])
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=GroupEmail.SUBMITTED,
                dedup_key=submitted_key(submission.pk, person.pk),
                url=url,
                context={"group": submission.group, "submission": submission, "by": by},
            )
            for person in data_protection_officers()
            if person.pk != by.pk
        ]
    )


@transaction.atomic
def chat_group_save_draft(
    *, group: ChatGroup | None = None, application: Application, by: User, ip=None
) -> ChatGroup:
    """Start an application (by becomes its admin) or save one still being written. A draft
    needs only a name; nothing is sent to anyone."""
    group, created = _save(group, application, by)
    audit_record(
        verb=GroupEvent.GROUP_DRAFTED if created else GroupEvent.GROUP_DRAFT_SAVED,
        actor=by,
        obj=group,
        changes={"name": group.name, "status": group.status},
        ip=ip,
    )
    return group


@transaction.atomic
def chat_group_submit(
    *, group: ChatGroup | None = None, application: Application, by: User, ip=None
) -> ChatGroup:
    """Send the application to the DPO (first time, or again after a refusal or a request for
    changes). Everything must be there; the DPO and deputy are told."""
    problems = _missing(application, by)
    if problems:
        raise ValidationError(problems)
    group, _ = _save(group, application, by)
    group.status = ChatGroup.Status.SUBMITTED
    group.status_reason = ""
    group.save(update_fields=["status", "status_reason", "updated_at"])
    submission = Submission.objects.create(
        group=group,
        kind=Submission.Kind.REGISTRATION,
        submitted_by=by,
        details=snapshot(group),
    )
    audit_record(
        verb=GroupEvent.GROUP_SUBMITTED,
        actor=by,
        obj=group,
        changes={"name": group.name, "submission": submission.pk, "platform": group.platform},
        ip=ip,
    )
    _tell_dpo(submission, by)
    return group


@transaction.atomic
def chat_group_propose_change(
    *,
    group: ChatGroup,
    name: str,
    platform: str,
    platform_other: str,
    purpose: str,
    why: str,
    by: User,
    expected_size: int | None = None,
    ip=None,
) -> Submission:
    """Propose a new app, name, purpose or expected size for an approved group. The group stays
    approved as it is until the DPO approves the change; then the new values apply (a size
    above the organisation's limit needs the DPO's explicit approval, as for a registration)."""
    current = ChatGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    if by.pk not in (current.admin_id, current.deputy_id):
        raise PermissionDenied("Only the group's admin or deputy can propose a change.")
    if current.status != ChatGroup.Status.APPROVED:
        raise ValidationError("Only an approved group's registration can be changed.")
    if current.submissions.filter(outcome=Submission.Outcome.PENDING).exists():
        raise ValidationError(ALREADY_PENDING)
    if platform not in Platform.values:
        raise ValidationError({"platform": "Choose the app the group would use."})
    if platform == Platform.OTHER and not platform_other.strip():
        raise ValidationError({"platform_other": "Say which app the group would use."})
    if not why.strip():
        raise ValidationError({"why": "Say why the registration should change."})
    if expected_size is not None and expected_size < 1:
        raise ValidationError({"expected_size": "Say how many members the group would have."})
    proposed = {
        "name": name.strip(),
        "platform": platform,
        "platform_other": platform_other.strip() if platform == Platform.OTHER else "",
        "purpose": purpose.strip(),
        "expected_size": expected_size or current.expected_size,
    }
    details = snapshot(current)
    details["proposed"] = proposed
    details["why"] = why.strip()
    submission = Submission.objects.create(
        group=current, kind=Submission.Kind.CHANGE, submitted_by=by, details=details
    )
    audit_record(
        verb=GroupEvent.CHANGE_PROPOSED,
        actor=by,
        obj=current,
        changes={"submission": submission.pk, "proposed": proposed, "why": why.strip()},
        ip=ip,
    )
    _tell_dpo(submission, by)
    return submission
