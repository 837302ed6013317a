"""Resealing every credential under the newest encryption key, so that an old key can then be
taken out of PORTAL_ENCRYPTION_KEYS without losing a secret (the `rotate_encryption_keys`
command).

Each credential is resealed in its own transaction, its row locked while it is, so a change
made meanwhile by its owner is neither lost nor overwritten. A credential with a secret that
will not open is left exactly as it was and reported by its account's id; nothing is ever
written in its place. The audit trail records the counts, never a key.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from portal.services.audit import audit_record
from socialmedia import crypto
from socialmedia.events import SocialEvent
from socialmedia.models import SECRET_FIELDS, Credential


@dataclass
class KeyRotationReport:
    credentials: int = 0
    resealed: int = 0  # secrets sealed again under the newest key
    already_newest: int = 0  # secrets already under it
    unreadable: list[int] = field(default_factory=list)  # account ids, left as they were

    def as_changes(self) -> dict[str, object]:
        return {
            "credentials": self.credentials,
            "secrets_resealed": self.resealed,
            "already_on_newest_key": self.already_newest,
            "unreadable_accounts": self.unreadable,
        }


@sensitive_variables()
@transaction.atomic
def _reseal_one(account_id: int, report: KeyRotationReport) -> None:
    credential = Credential.objects.select_for_update().filter(account_id=account_id).first()
    if credential is None:  # deleted meanwhile: nothing to reseal
        return
    report.credentials += 1
    changed: dict[str, str] = {}
    same = 0
    try:
        for name in SECRET_FIELDS:
            token = getattr(credential, f"{name}_sealed")
            if not token:
                continue
            new, was_changed = crypto.reseal(token, at=crypto.place(account_id, name))
            if was_changed:
                changed[f"{name}_sealed"] = new
            else:
                same += 1
    except crypto.SecretUnreadable:
        # Left exactly as it was: not one of its fields is written.
        report.unreadable.append(account_id)
        return
    if changed:
        Credential.objects.filter(account_id=account_id).update(**changed)
    report.resealed += len(changed)
    report.already_newest += same


def credential_keys_rotate(*, batch_size: int = 200) -> KeyRotationReport:
    """Reseal every credential's secrets under PORTAL_ENCRYPTION_KEYS[0], in batches of
    account ids, each credential in a transaction of its own. Records KEYS_ROTATED with the
    counts. Running it again reseals nothing more."""
    report = KeyRotationReport()
    last = 0
    while True:
        ids = list(
            Credential.objects.filter(account_id__gt=last)
            .order_by("account_id")
            .values_list("account_id", flat=True)[:batch_size]
        )
        if not ids:
            break
        for account_id in ids:
            _reseal_one(account_id, report)
        last = ids[-1]
    with transaction.atomic():
        audit_record(verb=SocialEvent.KEYS_ROTATED, changes=report.as_changes())
    return report
