"""The DPO's decisions on a submission: approve, refuse with a reason, or ask for changes.

A registration approved opens the group's clear-down schedule and annual review and sends each
member the group's purpose and rules; a change approved applies the proposed values (the group
stays approved throughout). Nobody decides on a group they applied for, run, deputise or
belong to. The decision, reason, who and when go on the submission, on the group and to the
applicant.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.access import OWN_GROUP, has_part_in, is_dpo
from groups.events import GroupEmail, GroupEvent
from groups.models import ChatGroup, Submission
from groups.outbox import decided_key
from groups.schedule import Schedule, first_anchor
from groups.selectors import group_size
from groups.services.membership import rules_send_outstanding
from portal.lib.uktime import months_on
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

NOTHING_PENDING = (
    "Nothing about this group is waiting for a decision: it may have been decided since you "
    "opened the page."
)


def size_to_approve(group: ChatGroup, submission: Submission | None = None) -> int:
    """The size the DPO approves: the larger of the size the applicant expects (or, for a
    change, now proposes) and the people in it now (selectors.group_size, which counts only the
    people)."""
    expected = group.expected_size
    if submission is not None and submission.kind == Submission.Kind.CHANGE:
        expected = submission.details.get("proposed", {}).get("expected_size") or expected
    return max(expected, group_size(group))


def needs_size_approval(group: ChatGroup, size: int, org: OrganisationSettings) -> bool:
    """Above the organisation's limit and above any larger size already approved for it."""
    return size > max(org.chat_group_size_limit, group.size_approved_up_to or 0)


def _approve_size(
    group: ChatGroup, size: int, org: OrganisationSettings, size_approved: bool
) -> None:
    """The DPO's explicit approval of a size above the limit, the same for a registration and
    for a change asking for a larger group."""
    if not needs_size_approval(group, size, org):
        return
    if not size_approved:
        raise ValidationError(
            {
                "size_approved": f"This group would have {size} members, more than the "
                f"organisation's limit of {org.chat_group_size_limit}: tick to approve "
                "its size, or refuse it or ask for changes."
            }
        )
    group.size_approved_up_to = size


def _pending(group: ChatGroup, by: User) -> tuple[ChatGroup, Submission]:
    if not is_dpo(by):
        raise PermissionDenied("Only the data protection officer or deputy decides on groups.")
    current = (
        ChatGroup.objects.select_for_update(of=("self",))
        .select_related("applicant", "admin", "deputy")
        .get(pk=group.pk)
    )
    submission = (
        current.submissions.select_for_update(of=("self",))
        .select_related("submitted_by")
        .filter(outcome=Submission.Outcome.PENDING)
        .first()
    )
    if submission is None:
        raise ValidationError(NOTHING_PENDING)
    if submission.kind == Submission.Kind.CHANGE and current.status != ChatGroup.Status.APPROVED:
        # A change applies to an approved group only: never revive a suspended or closed one.
        raise ValidationError(
            "This change can no longer be decided: the group is no longer approved."
        )
    if has_part_in(by, current) or submission.submitted_by_id == by.pk:
        raise ValidationError(OWN_GROUP)
    return current, submission


def _decide(submission: Submission, outcome: str, reason: str, by: User) -> None:
    submission.outcome = outcome
    submission.reason = reason
    submission.decided_by = by
    submission.decided_at = timezone.now()
    submission.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])


def _tell_applicant(group: ChatGroup, submission: Submission, by: User) -> None:
    people = {p.pk: p for p in (submission.submitted_by, group.admin) if p.is_active}
    url = reverse("groups:group", args=[group.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=GroupEmail.DECIDED,
                dedup_key=decided_key(submission.pk, person.pk),
                url=url,
                context={"group": group, "submission": submission, "decided_by": by},
            )
            for person in people.values()
        ]
    )


@transaction.atomic
def chat_group_approve(
    *, group: ChatGroup, by: User, size_approved: bool = False, note: str = "", ip=None
) -> ChatGroup:
    """Approve what is waiting: a registration (the group is approved, its clear-downs and
    review scheduled, its members sent the rules) or a change (its values apply)."""
    current, submission = _pending(group, by)
    org = OrganisationSettings.load()
    now = timezone.now()
    if submission.kind == Submission.Kind.CHANGE:
        proposed = submission.details.get("proposed", {})
        before = {
            "name": current.name,
            "platform": current.platform,
            "platform_other": current.platform_other,
            "purpose": current.purpose,
            "expected_size": current.expected_size,
        }
        if proposed.get("expected_size"):
            _approve_size(current, size_to_approve(current, submission), org, size_approved)
        for name in before:
            if proposed.get(name) is not None:
                setattr(current, name, proposed[name])
        current.save()
        _decide(submission, Submission.Outcome.APPROVED, note.strip(), by)
        audit_record(
            verb=GroupEvent.CHANGE_APPROVED,
            actor=by,
            obj=current,
            changes={
                "submission": submission.pk,
                "before": before,
                "after": proposed,
                "size_approved_up_to": current.size_approved_up_to,
            },
            ip=ip,
        )
        _tell_applicant(current, submission, by)
        return current

    _approve_size(current, size_to_approve(current), org, size_approved)
    anchor = first_anchor(current, now)
    current.status = ChatGroup.Status.APPROVED
    current.status_reason = ""
    current.approved_at = now
    current.cycle_anchor = anchor
    current.next_cycle_at = Schedule.of(current, org.clear_down_interval_days).next_after(now)
    current.review_due_at = months_on(now, org.chat_group_review_months)
    current.save()
    _decide(submission, Submission.Outcome.APPROVED, note.strip(), by)
    sent = rules_send_outstanding(current)
    audit_record(
        verb=GroupEvent.GROUP_APPROVED,
        actor=by,
        obj=current,
        changes={
            "submission": submission.pk,
            "note": note.strip(),
            "size_approved_up_to": current.size_approved_up_to,
            "first_clear_down": current.next_cycle_at.isoformat(),
            "review_due_at": current.review_due_at.isoformat(),
            "rules_sent_to": sent,
        },
        ip=ip,
    )
    _tell_applicant(current, submission, by)
    return current


def _refuse_or_return(*, group: ChatGroup, by: User, reason: str, ip, outcome: str) -> ChatGroup:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason: it goes to the applicant."})
    current, submission = _pending(group, by)
    refused = outcome == Submission.Outcome.REFUSED
    _decide(submission, outcome, reason, by)
    if submission.kind == Submission.Kind.CHANGE:
        # The group stays approved as it was; only the proposal is turned down.
        verb = GroupEvent.CHANGE_REFUSED if refused else GroupEvent.CHANGE_RETURNED
    else:
        current.status = ChatGroup.Status.REFUSED if refused else ChatGroup.Status.CHANGES_ASKED
        current.status_reason = reason
        current.save(update_fields=["status", "status_reason", "updated_at"])
        verb = GroupEvent.GROUP_REFUSED if refused else GroupEvent.GROUP_CHANGES_ASKED
    audit_record(
        verb=verb,
        actor=by,
        obj=current,
        changes={"submission": submission.pk, "reason": reason},
        ip=ip,
    )
    _tell_applicant(current, submission, by)
    return current


@transaction.atomic
def chat_group_refuse(*, group: ChatGroup, by: User, reason: str, ip=None) -> ChatGroup:
    """Refuse what is waiting, saying why. A refused application may be revised and sent again."""
    return _refuse_or_return(
        group=group, by=by, reason=reason, ip=ip, outcome=Submission.Outcome.REFUSED
    )


@transaction.atomic
def chat_group_ask_changes(*, group: ChatGroup, by: User, reason: str, ip=None) -> ChatGroup:
    """Send what is waiting back to the applicant, saying what to change."""
    return _refuse_or_return(
        group=group, by=by, reason=reason, ip=ip, outcome=Submission.Outcome.CHANGES_ASKED
    )
