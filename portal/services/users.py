from datetime import date

from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit_record


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

    Returns False (and records nothing) if they were already inactive. Their sessions die with
    it: Django's auth backend refuses inactive people on every request.
    """
    if not user.is_active:
        return False
    user.is_active = False
    user.leave_date = leave_date or user.leave_date or timezone.localdate()
    user.save(update_fields=["is_active", "leave_date"])
    audit_record(
        verb="user.deactivated",
        actor=by,
        obj=user,
        changes={"reason": reason, "leave_date": user.leave_date},
        ip=ip,
    )
    # Apps that must act when someone leaves add an explicit call here (for example, the chat
    # group register removing them from groups and opening a task for each group they ran).
    return True
