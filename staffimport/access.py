"""Who may use the staff import: one test for the pages (and the menu entry that leads to them)
and one helper that fetches an import. The pages are guarded by `access_required` with these tests,
which answers 403; the helper answers 404 to anyone else, so it is safe wherever it is called."""

from django.http import Http404

from portal.access import AnyUser
from portal.models import User
from portal.roles import Role
from staffimport.models import HeldChange, StaffImport


def can_import_staff(user: AnyUser) -> bool:
    """Policy administrators (HR) give the portal HR's file."""
    return user.is_authenticated and user.has_role(Role.POLICY_ADMIN)


def get_import_for_user(user: User, pk: int) -> StaffImport:
    if not can_import_staff(user):
        raise Http404("No such staff import.")
    try:
        return StaffImport.objects.select_related("uploaded_by", "applied_by").get(pk=pk)
    except StaffImport.DoesNotExist:
        raise Http404("No such staff import.") from None


def can_decide_held_changes(user: AnyUser) -> bool:
    """System administrators approve or refuse what an import held back (held.py says which
    of them may decide a given change)."""
    return user.is_authenticated and user.has_role(Role.SYSADMIN)


def get_held_change_for_user(user: User, pk: int) -> HeldChange:
    if not can_decide_held_changes(user):
        raise Http404("No such held change.")
    try:
        return HeldChange.objects.select_related("staff_import", "user").get(pk=pk)
    except HeldChange.DoesNotExist:
        raise Http404("No such held change.") from None
