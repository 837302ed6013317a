"""People the staff import may not change on its own say-so.

HR's file is trusted for ordinary staff. For anyone who holds a role, or Django's staff or
superuser status, a new sign-in email address would let whoever wrote the file reset their
password from it and sign in as them; deactivating them (or setting a leave date that the leavers
sweep would act on) would lock out the people who run the portal. Those changes wait for a
system administrator other than the person who gave the portal the file (see held.py).
"""

from django.db.models import Q

from portal.models import User
from portal.roles import Role

ROLE_NAMES = [str(role) for role in Role]


def privileged_ids() -> set[int]:
    """Everyone privileged, active or not (a leaver can be reactivated with their roles): a few
    people in any deployment, read once per run in one query."""
    return set(
        User.objects.filter(
            Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=ROLE_NAMES)
        ).values_list("pk", flat=True)
    )
