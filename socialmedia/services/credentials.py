"""Opening an approved account and keeping its credentials (seed 004, paragraph 23): the owner
registers them when the account is open, records each change of detail and each new password
here, and that is how the Chief Executive is told.

Every secret is sealed (socialmedia/crypto.py) before it reaches a model; the audit event and
the email to the Chief Executive name the fields that changed ("password": "changed"), never a
value. Each function marks its arguments and locals sensitive, so an error report shows stars.
"""

import hmac
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal.models import User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from socialmedia import crypto
from socialmedia.access import is_decider
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import (
    SECRET_FIELDS,
    SECRET_LABELS,
    Account,
    Credential,
    MfaMethod,
    Rotation,
    Storage,
)
from socialmedia.outbox import credentials_changed_key
from socialmedia.selectors import chief_executive_recipients
from socialmedia.services.review_dates import next_review_due

# What may be cleared once given (the username and password are what the register is for).
CLEARABLE = ("recovery_email", "recovery_phone", "recovery_codes_location", "notes")


def _sealed(account_id: int, field: str, value: str) -> str:
    return crypto.seal(value, at=crypto.place(account_id, field))


def _kept(credential: Credential) -> set[str]:
    """The secret fields that hold something (by their sealed columns, never opened)."""
    return {field for field in SECRET_FIELDS if getattr(credential, f"{field}_sealed")}


def account_url(account: Account) -> str:
    return reverse("socialmedia:account", args=[account.pk])


def tell_chief_executive(
    *, account: Account, by: User, what: str, changes: Mapping[str, object], at: datetime
) -> None:
    """Email the Chief Executive (the mailbox when nobody holds the role) what happened to an
    account's credentials: `what` in words and the names of the fields, never their values.
    A Chief Executive who made the change is not told of it."""
    recipients = [
        person
        for person in chief_executive_recipients()
        if not (isinstance(person, User) and person.pk == by.pk)
    ]
    fields = [
        f"{SECRET_LABELS.get(name) or _NAMES.get(name) or name.capitalize()}: {_said(name, change)}"
        for name, change in changes.items()
    ]
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.CREDENTIALS_CHANGED,
                dedup_key=credentials_changed_key(
                    account.pk, str(person.pk if isinstance(person, User) else person), at
                ),
                context={"account": account, "by": by, "what": what, "fields": fields, "at": at},
                url=account_url(account),
            )
            for person in recipients
        ]
    )


# Choice values an email names by their labels, as people know them.
_CHOICE_LABELS: dict[str, dict[str, str]] = {
    "storage": dict(Storage.choices),
    "mfa_method": dict(MfaMethod.choices),
}
_NAMES = {
    "storage": "Where they are kept",
    "mfa_method": "Second sign-in step",
    "password_manager_reference": "Password manager entry",
}


def _said(name: str, change: object) -> str:
    labels = _CHOICE_LABELS.get(name, {})

    def label(value: object) -> str:
        return labels.get(str(value), str(value)) if value else "(none)"

    if isinstance(change, dict):
        return f"{label(change.get('from'))} to {label(change.get('to'))}"
    return label(change)


def _check_storage(
    *, storage: str, secrets: Mapping[str, str], reference: str, mfa_method: str
) -> None:
    if storage not in Storage.values:
        raise ValidationError("Choose where the credentials are kept.")
    if mfa_method not in MfaMethod.values:
        raise ValidationError("Choose the second sign-in step the account uses.")
    if storage == Storage.PORTAL:
        if not secrets.get("username", "").strip():
            raise ValidationError("Enter the username the account signs in with.")
        if not secrets.get("password"):
            raise ValidationError("Enter the account's password.")
    elif not reference.strip():
        raise ValidationError("Say where the entry is in the organisation's password manager.")


@sensitive_variables()
@transaction.atomic
def account_open(
    *,
    account: Account,
    handle: str,
    url: str,
    storage: str,
    secrets: Mapping[str, str],
    password_manager_reference: str = "",
    mfa_method: str,
    by: User,
    ip: str | None = None,
) -> Account:
    """Record that the approved `account` is open on the platform as `handle` at `url`, and
    register its credentials: `secrets` by SECRET_FIELDS name (kept here, sealed) or only the
    `password_manager_reference`. The account becomes active and its first review is due."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.owner_id != by.pk:
        raise ValidationError("Only the account's owner records that it is open.")
    if account.status != Account.Status.APPROVED:
        raise ValidationError("Only an approved account that is not yet open can be opened.")
    if not handle.strip() or not url.strip():
        raise ValidationError("Enter the account's handle and its address.")
    _check_storage(
        storage=storage,
        secrets=secrets,
        reference=password_manager_reference,
        mfa_method=mfa_method,
    )
    now = timezone.now()
    opened = {"handle": {"from": account.handle, "to": handle}, "url": {"from": "", "to": url}}
    account.handle, account.url = handle, url
    account.status = Account.Status.ACTIVE
    account.opened_at = account.last_rotated_at = now
    account.review_due_at = next_review_due(now)
    account.save(
        update_fields=[
            "handle",
            "url",
            "status",
            "opened_at",
            "last_rotated_at",
            "review_due_at",
        ]
    )
    credential = Credential(
        account=account,
        storage=storage,
        mfa_method=mfa_method,
        registered_at=now,
        registered_by=by,
        updated_at=now,
        updated_by=by,
        password_changed_at=now,
    )
    registered: dict[str, object] = {"storage": storage, "mfa_method": mfa_method}
    if storage == Storage.PORTAL:
        for field in SECRET_FIELDS:
            value = secrets.get(field, "")
            if value:
                setattr(credential, f"{field}_sealed", _sealed(account.pk, field, value))
                registered[field] = "set"
    else:
        credential.password_manager_reference = password_manager_reference.strip()
        registered["password_manager_reference"] = "set"
    credential.save()
    audit_record(verb=SocialEvent.OPENED, actor=by, obj=account, changes=opened, ip=ip)
    audit_record(
        verb=SocialEvent.CREDENTIALS_REGISTERED, actor=by, obj=account, changes=registered, ip=ip
    )
    tell_chief_executive(
        account=account,
        by=by,
        what="The account is open and its credentials were registered.",
        changes={**opened, **registered},
        at=now,
    )
    return account


def _credential_for_change(account: Account, by: User) -> tuple[Account, Credential]:
    account = Account.objects.select_for_update().get(pk=account.pk)
    if not account.is_running:
        raise ValidationError("Only an open account's credentials can be changed.")
    if account.owner_id != by.pk and not is_decider(by):
        raise ValidationError("Only the owner or the Chief Executive can change the credentials.")
    try:
        credential = Credential.objects.select_for_update().get(account=account)
    except Credential.DoesNotExist:
        raise ValidationError("No credentials are registered for this account yet.") from None
    return account, credential


@sensitive_variables()
def _keep_here(
    credential: Credential, given: Mapping[str, str], clear: Collection[str]
) -> dict[str, object]:
    """Seal what was typed, empty what was cleared and forget any password manager entry; the
    names of what changed."""
    changes: dict[str, object] = {}
    for field, value in given.items():
        was = getattr(credential, f"{field}_sealed")
        setattr(credential, f"{field}_sealed", _sealed(credential.account_id, field, value))
        changes[field] = "changed" if was else "set"
    for field in clear:
        if getattr(credential, f"{field}_sealed"):
            setattr(credential, f"{field}_sealed", "")
            changes[field] = "cleared"
    if credential.password_manager_reference:
        credential.password_manager_reference = ""
        changes["password_manager_reference"] = "removed"
    return changes


def _keep_in_manager(credential: Credential, reference: str) -> dict[str, object]:
    """Delete every secret kept here and keep only the password manager's reference."""
    changes: dict[str, object] = {}
    for field in _kept(credential):
        setattr(credential, f"{field}_sealed", "")
        changes[field] = "removed"
    if reference != credential.password_manager_reference:
        changes["password_manager_reference"] = (
            "changed" if credential.password_manager_reference else "set"
        )
        credential.password_manager_reference = reference
    return changes


@sensitive_variables()
@transaction.atomic
def credential_update(
    *,
    account: Account,
    storage: str,
    mfa_method: str,
    password_manager_reference: str = "",
    secrets: Mapping[str, str],
    clear: Collection[str] = (),
    by: User,
    ip: str | None = None,
) -> Credential:
    """Change an account's credential details. `secrets` holds only what was typed (a blank is
    kept as it was); `clear` names optional secrets to empty. A new password is recorded with
    credential_password_change, so that the rotation is on the record, except when moving the
    credentials here from the password manager, which needs one. Moving them to the password
    manager deletes every secret held here."""
    account, credential = _credential_for_change(account, by)
    given = {field: value for field, value in secrets.items() if value and field in SECRET_FIELDS}
    unknown = set(clear) - set(CLEARABLE)
    if unknown:
        raise ValidationError("Only the recovery details and the notes can be cleared.")
    if set(clear) & set(given):
        raise ValidationError("Either clear a detail or type a new one, not both.")
    moving_here = storage == Storage.PORTAL and credential.storage != Storage.PORTAL
    if "password" in given and not moving_here:
        raise ValidationError(
            "To record a new password, use “Record a new password”, so the change is on record."
        )
    after = {**{f: "kept" for f in _kept(credential)}, **given}
    for field in clear:
        after.pop(field, None)
    _check_storage(
        storage=storage,
        secrets={f: ("x" if f in after else "") for f in SECRET_FIELDS},
        reference=password_manager_reference,
        mfa_method=mfa_method,
    )
    changes: dict[str, object] = {}
    if storage != credential.storage:
        changes["storage"] = {"from": credential.storage, "to": storage}
    if mfa_method != credential.mfa_method:
        changes["mfa_method"] = {"from": credential.mfa_method, "to": mfa_method}
    now = timezone.now()
    if storage == Storage.PORTAL:
        changes |= _keep_here(credential, given, clear)
        if moving_here:
            credential.password_changed_at = now
    else:
        changes |= _keep_in_manager(credential, password_manager_reference.strip())
    if not changes:
        raise ValidationError("Nothing was changed.")
    credential.storage, credential.mfa_method = storage, mfa_method
    credential.updated_at, credential.updated_by = now, by
    credential.save()
    audit_record(
        verb=SocialEvent.CREDENTIALS_UPDATED, actor=by, obj=account, changes=changes, ip=ip
    )
    tell_chief_executive(
        account=account,
        by=by,
        what="The account's credential details were changed.",
        changes=changes,
        at=now,
    )
    return credential


SAME_PASSWORD = (
    "This is the password already recorded: change it on the platform first, then record the "
    "new one here."
)

# A form sent twice (a double click, a resend after a slow answer) arrives within this.
RESENT_WITHIN = timedelta(minutes=2)


class SamePassword(ValidationError):
    """The password typed is the one kept: refused, unless it is the same form sent again."""


def password_just_recorded(*, account: Account, by: User) -> bool:
    """Whether `by` recorded the account's latest password moments ago: a refused
    SamePassword is then that same submission sent twice, already done."""
    latest = Rotation.objects.filter(account=account).order_by("-at", "-pk").first()
    return (
        latest is not None and latest.by_id == by.pk and latest.at >= timezone.now() - RESENT_WITHIN
    )


@sensitive_variables()
def _is_kept_password(credential: Credential, password: str) -> bool:
    """Whether `password` is the one kept: recording it again would clear a rotation due
    though nothing changed. One that cannot be opened is taken as different."""
    if not credential.password_sealed:
        return False
    at = crypto.place(credential.account_id, "password")
    try:
        kept = crypto.unseal(credential.password_sealed, at=at)
    except crypto.SecretUnreadable:
        return False
    return hmac.compare_digest(kept.encode(), password.encode())


@sensitive_variables()
@transaction.atomic
def credential_password_change(
    *,
    account: Account,
    password: str = "",
    why: str,
    changed_in_manager: bool = False,
    by: User,
    ip: str | None = None,
) -> Rotation:
    """Record a new password for `account`: sealed here, or (password manager storage) the
    owner's word that it was changed there. Clears a rotation due, in the same transaction,
    and tells the Chief Executive (paragraph 23: this is how they are informed)."""
    account, credential = _credential_for_change(account, by)
    if why not in Rotation.Why.values:
        raise ValidationError("Say why the password changed.")
    if credential.storage == Storage.PORTAL:
        if not password:
            raise ValidationError("Enter the new password.")
        if _is_kept_password(credential, password):
            raise SamePassword(SAME_PASSWORD)
        credential.password_sealed = _sealed(account.pk, "password", password)
    elif not changed_in_manager:
        raise ValidationError("Confirm the new password is in the organisation's password manager.")
    now = timezone.now()
    rotation = Rotation.objects.create(
        account=account, by=by, at=now, why=why, cleared_due_since=account.rotation_due_since
    )
    credential.password_changed_at = credential.updated_at = now
    credential.updated_by = by
    credential.save()
    changes: dict[str, object] = {"password": "changed", "why": why}
    if account.rotation_due_since is not None:
        changes["rotation_due_since"] = {
            "from": account.rotation_due_since.isoformat(),
            "to": None,
        }
    account.last_rotated_at = now
    account.rotation_due_since, account.rotation_due_reason = None, ""
    account.save(update_fields=["last_rotated_at", "rotation_due_since", "rotation_due_reason"])
    audit_record(verb=SocialEvent.PASSWORD_CHANGED, actor=by, obj=account, changes=changes, ip=ip)
    what = f"A new password was recorded ({Rotation.Why(why).label.lower()})."
    tell_chief_executive(account=account, by=by, what=what, changes={"password": "changed"}, at=now)
    if account.owner_id is not None and account.owner_id != by.pk:
        _tell_owner(account=account, by=by, what=what, at=now)
    return rotation


def _tell_owner(*, account: Account, by: User, what: str, at: datetime) -> None:
    """The owner, when a decider records a new password: they may find themselves locked out,
    and are told who to ask (never the password)."""
    owner = account.owner
    notifications_queue_many(
        messages=[
            Message(
                to=owner,
                template=SocialEmail.CREDENTIALS_CHANGED,
                dedup_key=credentials_changed_key(account.pk, str(owner.pk), at),
                context={
                    "account": account,
                    "by": by,
                    "what": what,
                    "fields": [f"{SECRET_LABELS['password']}: changed"],
                    "at": at,
                    "to_owner": True,
                },
                url=account_url(account),
            )
        ]
    )
