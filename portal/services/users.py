from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.events import PortalEmail, PortalEvent
from portal.models import Department, EmploymentType, User
from portal.registry import registry
from portal.roles import Role
from portal.services.audit import AuditDraft, audit_record, audit_record_many
from portal.services.notifications import Message, notifications_queue_many
from portal.services.sessions import user_sessions_end

# The details of a person that HR owns and these services set, foreign keys by id. Being active
# is deliberately not one of them: leaving goes through user_deactivate, which apps hook into.
PERSON_FIELDS = (
    "staff_number",
    "full_name",
    "email",
    "job_title",
    "department_id",
    "line_manager_id",
    "employment_type",
    "start_date",
    "leave_date",
    "politically_restricted",
)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail these services set: {', '.join(sorted(unknown))}")


def _labeller(people: Sequence[dict[str, Any]]):
    """How departments and line managers read in the audit trail: by code and by staff number,
    so an event still says who was meant after a rename. Two queries, whatever the batch size."""
    department_ids = {p.get("department_id") for p in people} - {None}
    manager_ids = {p.get("line_manager_id") for p in people} - {None}
    departments = {
        d.pk: f"{d.code}: {d.name}" for d in Department.objects.filter(pk__in=department_ids)
    }
    managers = {
        pk: f"{name} ({number})" if number else name
        for pk, name, number in User.objects.filter(pk__in=manager_ids).values_list(
            "pk", "full_name", "staff_number"
        )
    }

    def label(field: str, value: Any) -> Any:
        if value is None:
            return None
        if field == "department_id":
            return departments.get(value, value)
        if field == "line_manager_id":
            return managers.get(value, value)
        return value

    return label


def _audit_name(field: str) -> str:
    return field.removesuffix("_id")


@transaction.atomic
def users_create_many(
    *,
    people: Sequence[dict[str, Any]],
    by: User | None,
    # An app that adds people its own way (the staff import) records them under its own verb.
    verb: str = PortalEvent.USER_CREATED,
    note: str = "",
    ip: str | None = None,
) -> list[User]:
    """Add people in bulk, one audit event each. Each dict holds PERSON_FIELDS (full_name and
    email at least). New people get no usable password and no email: they set a password with
    "Forgotten your password?" when they first come to the portal."""
    rows = []
    for fields in people:
        _check_fields(fields)
        rows.append(
            User(
                **{
                    **fields,
                    "email": fields["email"].strip().lower(),
                    "password": make_password(None),
                }
            )
        )
    created = User.objects.bulk_create(rows, batch_size=1000)
    label = _labeller(people)
    via = {"via": note} if note else {}
    audit_record_many(
        drafts=(
            AuditDraft(
                verb=verb,
                actor=by,
                obj=user,
                changes={
                    **{_audit_name(f): label(f, getattr(user, f)) for f in PERSON_FIELDS},
                    **via,
                },
                ip=ip,
            )
            for user in created
        )
    )
    return created


def user_create(
    *,
    full_name: str,
    email: str,
    by: User | None,
    staff_number: str = "",
    job_title: str = "",
    department: Department | None = None,
    line_manager: User | None = None,
    employment_type: str = EmploymentType.EMPLOYEE,
    start_date: date | None = None,
    leave_date: date | None = None,
    politically_restricted: bool = False,
    verb: str = PortalEvent.USER_CREATED,
    note: str = "",
    ip: str | None = None,
) -> User:
    """Add one person (see users_create_many)."""
    fields = {
        "full_name": full_name,
        "email": email,
        "staff_number": staff_number,
        "job_title": job_title,
        "department_id": department.pk if department else None,
        "line_manager_id": line_manager.pk if line_manager else None,
        "employment_type": employment_type,
        "start_date": start_date,
        "leave_date": leave_date,
        "politically_restricted": politically_restricted,
    }
    return users_create_many(people=[fields], by=by, verb=verb, note=note, ip=ip)[0]


@transaction.atomic
def users_update_many(
    *,
    updates: Sequence[tuple[User, dict[str, Any]]],
    by: User | None,
    note: str = "",
    ip: str | None = None,
) -> int:
    """Change people's details in bulk: each (person, {field: new value}) with PERSON_FIELDS.
    Only fields whose value really changes are written, and each person changed gets one
    `user.updated` event listing every field as from/to. Returns how many people changed."""
    changed: list[tuple[User, dict[str, tuple[Any, Any]]]] = []
    for user, fields in updates:
        _check_fields(fields)
        if "email" in fields:
            fields = {**fields, "email": fields["email"].strip().lower()}
        diff = {f: (getattr(user, f), v) for f, v in fields.items() if getattr(user, f) != v}
        if diff:
            changed.append((user, diff))
    # Write each person's changed fields only (grouped so one UPDATE serves many people), so a
    # detail nobody meant to change is never written back over someone else's edit.
    groups: dict[frozenset[str], list[User]] = defaultdict(list)
    for user, diff in changed:
        for field, (_old, new) in diff.items():
            setattr(user, field, new)
        groups[frozenset(diff)].append(user)
    for changed_fields, users in groups.items():
        names = sorted(_audit_name(f) if f.endswith("_id") else f for f in changed_fields)
        User.objects.bulk_update(users, names, batch_size=1000)
    label = _labeller(
        [{f: new for f, (_old, new) in diff.items()} for _user, diff in changed]
        + [{f: old for f, (old, _new) in diff.items()} for _user, diff in changed]
    )
    via = {"via": note} if note else {}
    audit_record_many(
        drafts=(
            AuditDraft(
                verb=PortalEvent.USER_UPDATED,
                actor=by,
                obj=user,
                changes={
                    **{
                        _audit_name(f): {"from": label(f, old), "to": label(f, new)}
                        for f, (old, new) in diff.items()
                    },
                    **via,
                },
                ip=ip,
            )
            for user, diff in changed
        )
    )
    _tell_both_addresses(changed, by)
    return len(changed)


def _tell_both_addresses(
    changed: Sequence[tuple[User, dict[str, tuple[Any, Any]]]], by: User | None
) -> None:
    """A new sign-in address is told to the old address too: a password reset goes to the new
    one, so its owner must hear of a change they did not ask for from the address they know.
    Queued in the same transaction as the change (one message per address, never twice)."""
    at = timezone.now()
    messages: list[Message] = []
    for user, diff in changed:
        if "email" not in diff:
            continue
        old, new = diff["email"]
        context = {"person": user, "old_email": old, "new_email": new, "by": by, "at": at}
        key = f"email-changed:{user.pk}:{at:%Y%m%d%H%M%S%f}"
        messages.append(
            Message(old, PortalEmail.EMAIL_CHANGED, f"{key}:old", context, in_portal=False)
        )
        messages.append(Message(user, PortalEmail.EMAIL_CHANGED, f"{key}:new", context))
    if messages:
        notifications_queue_many(messages=messages)


def user_update(
    *,
    user: User,
    by: User | None,
    changes: dict[str, Any],
    note: str = "",
    ip: str | None = None,
) -> bool:
    """Change one person's details (see users_update_many). Returns False if nothing changed."""
    return users_update_many(updates=[(user, changes)], by=by, note=note, ip=ip) == 1


@transaction.atomic
def user_deactivate(
    *,
    user: User,
    by: User | None,
    reason: str,
    leave_date: date | None = None,
    ip: str | None = None,
) -> bool:
    """A person leaves: they can no longer sign in, and every app lets go of them.

    Returns False (and records nothing) if they were already inactive. They are signed out
    everywhere at once (Django's auth backend would also refuse them on their next page).
    """
    leave_date = leave_date or user.leave_date or timezone.localdate()
    # Conditional in the database: the copy we were handed may be stale (an import and the
    # leavers sweep can both reach one person), and a leaver must leave exactly once.
    if not User.objects.filter(pk=user.pk, is_active=True).update(
        is_active=False, leave_date=leave_date
    ):
        return False
    user.is_active = False
    user.leave_date = leave_date
    audit_record(
        verb=PortalEvent.USER_DEACTIVATED,
        actor=by,
        obj=user,
        changes={"reason": reason, "leave_date": user.leave_date},
        ip=ip,
    )
    user_sessions_end(user, by=by, reason=PortalEvent.USER_DEACTIVATED.label, ip=ip)
    # Apps that must act when someone leaves (the chat-group register removing them from its
    # groups, say) registered a hook; each runs in this transaction, so a leaver never half-leaves.
    registry.call_leaver_hooks(user=user, by=by)
    return True


@transaction.atomic
def user_reactivate(*, user: User, by: User, reason: str, ip: str | None = None) -> bool:
    """Bring back someone deactivated by mistake (an HR file that left them out). Their leave
    date is cleared. Returns False, recording nothing, if they were already active."""
    if not reason.strip():
        raise ValueError("A reason is required to reactivate someone.")
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True, leave_date=None):
        return False
    previous_leave_date = user.leave_date
    user.is_active, user.leave_date = True, None
    audit_record(
        verb=PortalEvent.USER_REACTIVATED,
        actor=by,
        obj=user,
        changes={"reason": reason.strip(), "previous_leave_date": previous_leave_date},
        ip=ip,
    )
    return True


def users_deactivate_leavers(*, today: date | None = None) -> int:
    """Deactivate everyone whose leave date has passed (HR records leave dates ahead of time).

    The leave date is the last working day, so a person goes at the first sweep after it ends.
    Each leaver goes through user_deactivate in a transaction of their own; a sweep that was
    down catches up on its next run, and running it twice deactivates nobody twice.
    """
    today = today or timezone.localdate()
    leavers = User.objects.filter(is_active=True, leave_date__lt=today).order_by("pk")
    return sum(
        user_deactivate(user=user, by=None, reason="Leave date passed", leave_date=user.leave_date)
        for user in leavers.iterator(chunk_size=500)
    )


class RoleChangeRefused(ValueError):
    """A role cannot be given or taken away as asked; the message says why, for the page."""


def _role_group(role: Role) -> Group:
    # Locked: two administrators taking the last System administrator role from each other at
    # once must not both succeed.
    group, _ = Group.objects.select_for_update().get_or_create(name=role.value)
    return group


def role_removal_problem(*, user: User, role: Role) -> str | None:
    """Why `role` may not be taken from `user` now, or None. The last active System
    administrator keeps the role: without one, nobody could manage people or roles in the
    portal. (Callers that change roles hold the role's row locked, see _role_group.)"""
    if role != Role.SYSADMIN or not user.is_active:
        return None
    others = User.objects.filter(groups__name=role.value, is_active=True).exclude(pk=user.pk)
    if others.exists():
        return None
    return (
        f"{user.full_name} is the only active system administrator. Give the role to "
        "someone else first, so that someone can still manage people and roles."
    )


def _forget_roles(user: User) -> None:
    # role_names is read once per request and cached on the object; this object has changed.
    user.__dict__.pop("role_names", None)


@transaction.atomic
def user_role_grant(
    *, user: User, role: Role, by: User, reason: str, ip: str | None = None
) -> bool:
    """Give `user` a role, with the reason on the audit trail. Returns False, recording
    nothing, if they already held it."""
    reason = reason.strip()
    if not reason:
        raise RoleChangeRefused("A reason is required to give someone a role.")
    if not user.is_active:
        raise RoleChangeRefused(
            f"{user.full_name} is deactivated: reactivate them before giving them a role."
        )
    group = _role_group(role)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    _forget_roles(user)
    audit_record(
        verb=PortalEvent.USER_ROLE_GRANTED,
        actor=by,
        obj=user,
        changes={"role": role.value, "reason": reason},
        ip=ip,
    )
    return True


@transaction.atomic
def user_role_remove(
    *, user: User, role: Role, by: User, reason: str, ip: str | None = None
) -> bool:
    """Take a role away from `user`, with the reason on the audit trail. Returns False,
    recording nothing, if they did not hold it. The last active System administrator keeps
    the role: without one, nobody could manage people or roles in the portal."""
    reason = reason.strip()
    if not reason:
        raise RoleChangeRefused("A reason is required to take a role away.")
    group = _role_group(role)
    if not user.groups.filter(pk=group.pk).exists():
        return False
    if problem := role_removal_problem(user=user, role=role):
        raise RoleChangeRefused(problem)
    user.groups.remove(group)
    _forget_roles(user)
    audit_record(
        verb=PortalEvent.USER_ROLE_REMOVED,
        actor=by,
        obj=user,
        changes={"role": role.value, "reason": reason},
        ip=ip,
    )
    return True


@transaction.atomic
def user_roles_set(*, user: User, roles: frozenset[Role], by: User, ip: str | None = None) -> bool:
    """Give and take away roles at once: the Django admin's roles box, kept for emergencies
    (the People pages give and take one role at a time, with a reason). Recorded as one event
    listing what was added and removed. Returns False, recording nothing, if nothing changed."""
    held = set(user.groups.values_list("name", flat=True))
    current = {role for role in Role if role.value in held}
    added, removed = roles - current, current - roles
    if not added and not removed:
        return False
    for role in removed:
        _role_group(role)  # locked, as in user_role_remove
        if problem := role_removal_problem(user=user, role=role):
            raise RoleChangeRefused(problem)
    user.groups.add(*(_role_group(role) for role in added))
    user.groups.remove(*(_role_group(role) for role in removed))
    _forget_roles(user)
    audit_record(
        verb=PortalEvent.USER_ROLES_CHANGED,
        actor=by,
        obj=user,
        changes={
            "added": sorted(role.value for role in added),
            "removed": sorted(role.value for role in removed),
        },
        ip=ip,
    )
    return True


@transaction.atomic
def user_saved_in_admin(
    *,
    user: User,
    created: bool,
    changes: dict[str, Any],
    old_email: str,
    by: User,
    ip: str | None = None,
) -> None:
    """Record what the Django admin's own form saved about a person (it saves the row itself):
    who was added, or which details changed from what to what; and, as everywhere else, a
    changed sign-in address is told to the old address and the new."""
    if not created and not changes:
        return
    audit_record(
        verb=PortalEvent.USER_CREATED if created else PortalEvent.USER_CHANGED,
        actor=by,
        obj=user,
        changes=changes,
        ip=ip,
    )
    if not created and old_email and old_email != user.email:
        _tell_both_addresses([(user, {"email": (old_email, user.email)})], by)
