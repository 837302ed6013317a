"""Four eyes before publishing: for a policy whose versions need approval, a draft is sent for
approval, and a second policy administrator (never one of its authors) approves it, with an
optional note, or sends it back with a reason. Only an approved draft can be published, and a
change to the draft clears the approval (policy_version_update). Each step is on the record,
and the people concerned are told through the outbox."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.access import can_decide_approval, is_policy_admin
from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.markdown import render_markdown
from declarations.models import PolicyVersion
from declarations.outbox import approval_decision_key, approval_request_key
from declarations.selectors import policy_administrators, version_author_ids
from portal.lib.uktime import long_datetime
from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

Approval = PolicyVersion.Approval

OWN_VERSION = (
    "You cannot approve or send back a version you wrote, changed or sent for approval: "
    "another policy administrator must decide."
)
NOBODY_ELSE = (
    "There is no other policy administrator to approve it. Ask for a second policy "
    "administrator to be appointed, or turn off approval in the policy's details."
)


def _locked(version: PolicyVersion) -> PolicyVersion:
    # Read under a lock, so an edit or a decision in another tab cannot slip in between.
    return (
        PolicyVersion.objects.select_for_update(of=("self",))
        .select_related("policy", "created_by", "approval_requested_by")
        .get(pk=version.pk)
    )


def _not_waiting(version: PolicyVersion) -> ValidationError:
    if version.is_published:
        return ValidationError(f"Version {version.label} is already published.")
    if version.approval == Approval.APPROVED:
        return ValidationError(f"Version {version.label} has already been approved.")
    return ValidationError(
        f"Version {version.label} is not waiting for approval: it may have been changed or "
        "decided on since you opened the page."
    )


@transaction.atomic
def policy_version_request_approval(*, version: PolicyVersion, by: User, ip=None) -> PolicyVersion:
    """Send a draft for approval; every other policy administrator is asked by email."""
    current = _locked(version)
    if current.is_published:
        raise _not_waiting(current)
    if not current.policy.versions_need_approval:
        raise ValidationError(
            f"Versions of {current.policy.title} do not need approval: publish it when it is ready."
        )
    if current.approval in (Approval.AWAITING, Approval.APPROVED):
        raise ValidationError(
            f"Version {current.label} is already {current.get_approval_display().lower()}."
        )
    if not render_markdown(current.body_markdown):
        raise ValidationError("The version has no text to approve.")
    current.approval_requested_by = by
    authors = version_author_ids(current) | {by.pk}
    approvers = [admin for admin in policy_administrators() if admin.pk not in authors]
    if not approvers:
        raise ValidationError(NOBODY_ELSE)
    now = timezone.now()
    current.approval = Approval.AWAITING
    current.approval_requested_at = now
    current.save(update_fields=["approval", "approval_requested_at", "approval_requested_by"])
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_APPROVAL_REQUESTED,
        actor=by,
        obj=current,
        changes={"label": current.label, "asked": [admin.email for admin in approvers]},
        ip=ip,
    )
    url = reverse("declarations:admin_version", args=[current.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=admin,
                template=DeclarationEmail.VERSION_APPROVAL_REQUESTED,
                dedup_key=approval_request_key(current.pk, now, admin.pk),
                url=url,
                context={"version": current, "policy": current.policy, "asked_by": by},
            )
            for admin in approvers
        ]
    )
    return current


def _refuse_unless_decider(version: PolicyVersion, by: User) -> None:
    if not is_policy_admin(by):
        raise PermissionDenied("Only a policy administrator can decide on a version.")
    if version.is_published or version.approval != Approval.AWAITING:
        raise _not_waiting(version)
    if not can_decide_approval(by, version):
        raise ValidationError(OWN_VERSION)


def _tell_authors(
    version: PolicyVersion, *, template: DeclarationEmail, decided_at: datetime, by: User
) -> None:
    authors = [
        person
        for person in (version.created_by, version.approval_requested_by)
        if person is not None and person.is_active and person.pk != by.pk
    ]
    unique = {person.pk: person for person in authors}
    url = reverse("declarations:admin_version", args=[version.pk])
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=template,
                dedup_key=approval_decision_key(version.pk, decided_at, person.pk),
                url=url,
                context={
                    "version": version,
                    "policy": version.policy,
                    "decided_by": by,
                    "decided_at": long_datetime(decided_at),
                },
            )
            for person in unique.values()
        ]
    )


@transaction.atomic
def policy_version_approve(
    *, version: PolicyVersion, by: User, note: str = "", ip=None
) -> PolicyVersion:
    """Approve a version waiting for approval. Never by one of its authors."""
    current = _locked(version)
    _refuse_unless_decider(current, by)
    now = timezone.now()
    current.approval = Approval.APPROVED
    current.approved_at, current.approved_by, current.approval_note = now, by, note.strip()
    current.save(update_fields=["approval", "approved_at", "approved_by", "approval_note"])
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_APPROVED,
        actor=by,
        obj=current,
        changes={
            "label": current.label,
            "note": current.approval_note,
            "asked_by": str(current.approval_requested_by or ""),
        },
        ip=ip,
    )
    _tell_authors(current, template=DeclarationEmail.VERSION_APPROVED, decided_at=now, by=by)
    return current


@transaction.atomic
def policy_version_return(
    *, version: PolicyVersion, by: User, reason: str, ip=None
) -> PolicyVersion:
    """Send a version waiting for approval back to its authors, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what needs to change before it can be approved."})
    current = _locked(version)
    _refuse_unless_decider(current, by)
    now = timezone.now()
    current.approval = Approval.RETURNED
    current.returned_at, current.returned_by, current.returned_reason = now, by, reason
    current.save(update_fields=["approval", "returned_at", "returned_by", "returned_reason"])
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_RETURNED,
        actor=by,
        obj=current,
        changes={
            "label": current.label,
            "reason": reason,
            "asked_by": str(current.approval_requested_by or ""),
        },
        ip=ip,
    )
    _tell_authors(current, template=DeclarationEmail.VERSION_RETURNED, decided_at=now, by=by)
    return current


def policy_version_approval_clear(
    *, version: PolicyVersion, by: User, changed: list[str], ip=None
) -> None:
    """A draft waiting for approval, or approved, was changed: what was approved is no longer
    what would be published, so it goes back to draft (in the caller's transaction)."""
    was = version.approval
    version.approval = Approval.NOT_ASKED
    version.approved_at, version.approved_by, version.approval_note = None, None, ""
    version.save(update_fields=["approval", "approved_at", "approved_by", "approval_note"])
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_APPROVAL_CLEARED,
        actor=by,
        obj=version,
        changes={"was": was, "changed": changed},
        ip=ip,
    )
