"""The staff import's routes in the whole-portal access table (portal/testing/route_table.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.roles import Role
from portal.testing.route_table import Entry, People, only
from staffimport.models import HeldChange, StaffImport
from staffimport.tests.support import csv_bytes, person, preview

HR = Role.POLICY_ADMIN
SYSADMIN = Role.SYSADMIN


def _hr(get: int = 200, post: int = 302) -> dict:
    return {"get": only(HR, answer=get), "post": only(HR, answer=post)}


def _held(get: int = 405, post: int = 302) -> dict:
    return {"get": only(SYSADMIN, answer=get), "post": only(SYSADMIN, answer=post)}


def _file(_scene) -> dict:
    data = csv_bytes([person("S9001", "Nia New", "nia.new@example.org")])
    return {"file": SimpleUploadedFile("hr.csv", data, content_type="text/csv")}


ROUTES = {
    "staffimport:imports": Entry(**_hr(post=200)),
    "staffimport:upload": Entry(**_hr(), form=_file, multipart=True),
    "staffimport:template": Entry(**_hr(post=200)),
    "staffimport:detail": Entry(**_hr(post=200), model=StaffImport),
    "staffimport:apply": Entry(
        **_hr(get=405), form=lambda s: {"sha256": s["import_sha256"]}, model=StaffImport
    ),
    "staffimport:progress": Entry(**_hr(post=200), model=StaffImport),
    "staffimport:held": Entry(**_held(get=200, post=200)),
    "staffimport:held_approve": Entry(**_held(), model=HeldChange),
    "staffimport:held_refuse": Entry(
        **_held(), form=lambda s: {"reason": "Not what HR meant"}, model=HeldChange
    ),
}


def scene(people: People) -> dict:
    """An import checked and waiting to be applied, and a change to a privileged person (the
    data protection officer) held back by an earlier one, for a system administrator who
    neither uploaded nor applied it."""
    uploader = people.holding(HR)
    waiting = preview(csv_bytes([person("S9000", "Nia Waiting", "nia@example.org")]), by=uploader)
    earlier = preview(csv_bytes([person("S9002", "Old File", "old@example.org")]), by=uploader)
    StaffImport.objects.filter(pk=earlier.pk).update(status=StaffImport.Status.DONE)
    held = HeldChange.objects.create(
        staff_import=earlier,
        user=people.holding(Role.DPO),
        kind=HeldChange.Kind.LEAVE_DATE,
        old_value="",
        new_value="2031-03-31",
    )
    return {
        "import_sha256": waiting.sha256,
        "staffimport:detail": {"pk": waiting.pk},
        "staffimport:apply": {"pk": waiting.pk},
        "staffimport:progress": {"pk": waiting.pk},
        "staffimport:held_approve": {"pk": held.pk},
        "staffimport:held_refuse": {"pk": held.pk},
    }
