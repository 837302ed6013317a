"""Thin Celery tasks: take ids, call a service. Each is safe to run twice."""

from celery import shared_task

from staffimport.services import staff_import_apply, staff_import_validate

# A staff import task may run long (250,000 rows), but must end inside the broker's visibility
# timeout (one hour), or Redis would hand the same task to a second worker.
_SOFT_TIME_LIMIT = 55 * 60
_TIME_LIMIT = 58 * 60


@shared_task(ignore_result=True, soft_time_limit=_SOFT_TIME_LIMIT, time_limit=_TIME_LIMIT)
def staff_import_validate_task(staff_import_id: int) -> None:
    """Check a big staff file and record its preview (does nothing if already checked)."""
    staff_import_validate(staff_import_id=staff_import_id)


@shared_task(ignore_result=True, soft_time_limit=_SOFT_TIME_LIMIT, time_limit=_TIME_LIMIT)
def staff_import_apply_task(staff_import_id: int, ip: str | None = None) -> None:
    """Apply a previewed staff file (does nothing if this press of "Apply" already started)."""
    staff_import_apply(staff_import_id=staff_import_id, ip=ip)
