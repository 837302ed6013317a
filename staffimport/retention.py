"""How long HR's staff files are kept, and how they are disposed of (registered in plugin.py;
the portal's daily retention sweep calls these).

A disposed import keeps a tombstone: its row, with the counts of what it did, the file's
SHA-256 and size, its dates and who uploaded and applied it, because the audit trail's events
of the changes it made point at it. What the file held goes: the stored file itself, the name it
was uploaded under (HR's file names can name people), the preview, the problems (they quote the
file), and the decided held changes (old and new sign-in addresses and leave dates).
"""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from staffimport.models import HeldChange, StaffImport

KEY = "staffimport.files"


def due(cut_off: datetime) -> QuerySet[StaffImport]:
    """Imports uploaded before the cut-off and not touched since (progress_at is the last sign
    of work on one), keeping any with a change still waiting for a system administrator."""
    return (
        StaffImport.objects.filter(created_at__lt=cut_off, disposed_at__isnull=True)
        .filter(Q(progress_at__isnull=True) | Q(progress_at__lt=cut_off))
        .exclude(held_changes__status=HeldChange.Status.WAITING)
    )


def dispose(rows: list[StaffImport]) -> int:
    """Three queries whatever the number of rows, and one file deleted for each. The files go
    before the transaction commits: should it then roll back, the rows are still due and the
    next sweep disposes of them again (deleting a file already gone is no error), whereas
    deleting after the commit could leave a file behind for ever."""
    for row in rows:
        if row.stored_file.name:
            row.stored_file.storage.delete(row.stored_file.name)
    ids = [row.pk for row in rows]
    HeldChange.objects.filter(staff_import_id__in=ids).delete()
    return StaffImport.objects.filter(pk__in=ids).update(
        stored_file="",
        file_name="",
        preview={},
        problems=[],
        error="",
        stage="",
        plan_digest="",
        disposed_at=timezone.now(),
    )
