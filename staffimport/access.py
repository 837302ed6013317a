"""Who may use the staff import: one test for the pages (and the menu entry that leads to them)
and one helper that fetches an import. The pages are guarded by `role_required`, which answers
403; the helper answers 404 to anyone else, so it is safe wherever it is called."""

from django.http import Http404

from portal.models import User
from portal.roles import Role
from staffimport.models import StaffImport


def can_import_staff(user: User) -> bool:
    """Policy administrators (HR) give the portal HR's file."""
    return user.is_authenticated and user.has_role(Role.POLICY_ADMIN)


def get_import_for_user(user: User, pk: int) -> StaffImport:
    if not can_import_staff(user):
        raise Http404("No such staff import.")
    try:
        return StaffImport.objects.select_related("uploaded_by", "applied_by").get(pk=pk)
    except StaffImport.DoesNotExist:
        raise Http404("No such staff import.") from None
