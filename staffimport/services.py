"""The staff import, step by step: store HR's file and check it (the preview, which changes
nothing but the import record), then apply exactly what was previewed.

A big file is checked and applied by a Celery task, queued after commit, reporting progress on
the import record; a small one is done at once. The work itself is in the modules beside this
one (see the package docstring).
"""

import hashlib
import logging
from datetime import timedelta
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.registry import registry
from portal.services.audit import audit_record
from staffimport.applying import Applier, ApplyStopped
from staffimport.events import StaffImportEvent
from staffimport.models import StaffImport
from staffimport.parsing import Problem, StaffFileError
from staffimport.planning import Plan, plan_import

log = logging.getLogger(__name__)

# Files with more rows than this are checked and applied in the background.
INLINE_MAX_ROWS = 2000
# A running import silent for this long has lost its worker (the task limit is shorter).
STALE_AFTER = timedelta(minutes=30)

Status = StaffImport.Status


class ApplyRefused(Exception):
    """Applying cannot start; the message says why, for the person who asked."""


def file_sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while block := stream.read(1024 * 1024):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


@transaction.atomic
def staff_import_create(
    *,
    upload: File,
    file_name: str,
    rows: int,
    by: User | None,
    deactivate_missing: bool,
    source: str = StaffImport.Source.WEB,
    background: bool | None = None,
) -> StaffImport:
    """Keep the file (under a generated name) and check it. `rows` comes from check_file, which
    the caller has run. `background` None means: in the background if the file is big."""
    staff_import = StaffImport(
        uploaded_by=by,
        source=source,
        file_name=file_name[:255],
        sha256=file_sha256(upload),
        size_bytes=upload.size,
        deactivate_missing=deactivate_missing,
        total_rows=rows,
        stage="Waiting to start",
        progress_at=timezone.now(),
    )
    staff_import.stored_file.save("upload.csv", upload, save=False)
    staff_import.save()
    # HR's file holds every member of staff's details: who gave it to the portal is on record.
    audit_record(
        verb=StaffImportEvent.UPLOADED,
        actor=by,
        obj=staff_import,
        changes={
            "file": staff_import.file_name,
            "sha256": staff_import.sha256,
            "rows": rows,
            "deactivate_missing": deactivate_missing,
            "source": source,
        },
    )
    if _in_background(staff_import, background):
        from staffimport.tasks import staff_import_validate_task

        pk = staff_import.pk
        transaction.on_commit(lambda: staff_import_validate_task.delay(pk))
    else:
        staff_import_validate(staff_import_id=staff_import.pk)
        staff_import.refresh_from_db()
    return staff_import


def _in_background(staff_import: StaffImport, background: bool | None) -> bool:
    return staff_import.total_rows > INLINE_MAX_ROWS if background is None else background


def _progress(pk: int, total_rows: int):
    def report(stage: str, done: int, total: int) -> None:
        if total:  # a stage's own count, shown as a share of the file
            done = min(total_rows, round(total_rows * done / total))
        StaffImport.objects.filter(pk=pk).update(
            stage=stage, processed_rows=min(done, total_rows), progress_at=timezone.now()
        )

    return report


def _preview_fields(plan: Plan, notice: str = "") -> dict:
    preview = plan.preview() if plan.ok else {}
    if notice:
        preview["notice"] = notice
    return {
        "problems": [p.as_dict() for p in plan.problems.items],
        "problem_count": plan.problems.total,
        "preview": preview,
        "counts": plan.counts(),
        "plan_digest": plan.digest if plan.ok else "",
        "status": Status.PREVIEWED if plan.ok else Status.INVALID,
        "validated_at": timezone.now(),
        "stage": "",
        "processed_rows": plan.total_rows,
        "progress_at": timezone.now(),
    }


def _failed(staff_import: StaffImport, message: str, **fields) -> None:
    StaffImport.objects.filter(pk=staff_import.pk).update(
        status=Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        progress_at=timezone.now(),
        **fields,
    )


def staff_import_validate(*, staff_import_id: int) -> None:
    """Check the whole file and record either its problems or its preview. Writes nothing else,
    and does nothing if the import is no longer waiting to be checked (safe to run twice)."""
    staff_import = StaffImport.objects.filter(pk=staff_import_id, status=Status.VALIDATING).first()
    if staff_import is None:
        return
    try:
        with staff_import.stored_file.open("rb") as stream:
            if file_sha256(stream) != staff_import.sha256:
                _failed(staff_import, "The stored file no longer matches the one uploaded.")
                return
            plan = plan_import(
                stream,
                deactivate_missing=staff_import.deactivate_missing,
                today=timezone.localdate(),
                progress=_progress(staff_import.pk, staff_import.total_rows),
                actor_id=staff_import.uploaded_by_id,
            )
    except StaffFileError as exc:
        plan = Plan()
        plan.problems.add(Problem(0, "", " ".join(exc.messages)))
    except Exception as exc:  # recorded for the person waiting on the page, then re-raised
        _failed(staff_import, f"Checking the file stopped: {type(exc).__name__}.")
        raise
    StaffImport.objects.filter(pk=staff_import.pk, status=Status.VALIDATING).update(
        **_preview_fields(plan)
    )


def staff_import_request_apply(
    *,
    staff_import: StaffImport,
    by: User | None,
    sha256: str,
    ip: str | None = None,
    background: bool | None = None,
) -> None:
    """Start applying a previewed import: `sha256` is the file the person saw the preview of."""
    if staff_import.status != Status.PREVIEWED or staff_import.disposed_at is not None:
        raise ApplyRefused("This import is not waiting to be applied.")
    if sha256 != staff_import.sha256:
        raise ApplyRefused(
            "This is not the file that was previewed. Nothing was applied; open the import "
            "again and check its preview."
        )
    busy = (
        StaffImport.objects.filter(
            status=Status.APPLYING, progress_at__gte=timezone.now() - STALE_AFTER
        )
        .exclude(pk=staff_import.pk)
        .exists()
    )
    if busy:
        raise ApplyRefused(
            "Another staff import is being applied. Wait for it to finish, then apply this one."
        )
    claimed = StaffImport.objects.filter(
        pk=staff_import.pk, status=Status.PREVIEWED, disposed_at__isnull=True
    ).update(
        status=Status.APPLYING,
        applied_by=by,
        stage="Waiting to start",
        processed_rows=0,
        started_at=None,
        progress_at=timezone.now(),
    )
    if not claimed:  # someone else pressed the button first
        raise ApplyRefused("This import is already being applied.")
    audit_record(
        verb=StaffImportEvent.APPLY_REQUESTED,
        actor=by,
        obj=staff_import,
        changes={"file": staff_import.file_name, "sha256": staff_import.sha256},
        ip=ip,
    )
    if _in_background(staff_import, background):
        from staffimport.tasks import staff_import_apply_task

        pk = staff_import.pk
        transaction.on_commit(lambda: staff_import_apply_task.delay(pk, ip))
    else:
        staff_import_apply(staff_import_id=staff_import.pk, ip=ip)


def _people_changed() -> None:
    """Tell the other apps, once the import's changes are committed, that people joined or
    changed (declarations asks newcomers to sign open campaigns then, not at its next sweep).
    Robust: a hook that fails (the broker down) must not turn a finished import into an error;
    the apps' own sweeps catch up."""
    transaction.on_commit(registry.call_people_changed_hooks, robust=True)


def staff_import_apply(*, staff_import_id: int, ip: str | None = None) -> None:
    """Check the file again and, if the plan is exactly the one previewed, apply it. Runs only
    once per press of "Apply" (a second delivery of the task finds it already started)."""
    started = StaffImport.objects.filter(
        pk=staff_import_id, status=Status.APPLYING, started_at__isnull=True
    ).update(started_at=timezone.now(), progress_at=timezone.now())
    if not started:
        return
    staff_import = StaffImport.objects.select_related("applied_by").get(pk=staff_import_id)
    progress = _progress(staff_import.pk, staff_import.total_rows)
    note = f"staff import {staff_import.pk}, {staff_import.file_name}"
    try:
        with staff_import.stored_file.open("rb") as stream:
            if file_sha256(stream) != staff_import.sha256:
                _failed(staff_import, "The stored file has changed since it was previewed.")
                return
            today = timezone.localdate()
            plan = plan_import(
                stream,
                deactivate_missing=staff_import.deactivate_missing,
                today=today,
                progress=progress,
                actor_id=staff_import.applied_by_id,
            )
            if not plan.ok or plan.digest != staff_import.plan_digest:
                notice = (
                    "Nothing was applied: people's records in the portal changed after the "
                    "preview was made. This is the new preview; check it before applying."
                )
                StaffImport.objects.filter(pk=staff_import.pk).update(
                    **_preview_fields(plan, notice), started_at=None, applied_by=None
                )
                return
            done = Applier(
                staff_import=staff_import,
                stream=stream,
                plan=plan,
                by=staff_import.applied_by,
                note=note,
                ip=ip,
                today=today,
                deactivate_missing=staff_import.deactivate_missing,
                progress=progress,
            ).run()
    except Exception as exc:
        reason = str(exc) if isinstance(exc, ApplyStopped) else type(exc).__name__
        log.exception("Staff import %s stopped", staff_import.pk)
        with transaction.atomic():  # the status and its event together
            _failed(
                staff_import,
                f"Applying stopped: {reason}. Changes made before it stopped "
                "are kept and in the audit trail; import the same file again to finish.",
            )
            audit_record(
                verb=StaffImportEvent.FAILED,
                actor=staff_import.applied_by,
                obj=staff_import,
                changes={
                    "file": staff_import.file_name,
                    "sha256": staff_import.sha256,
                    "error": reason,
                },
                ip=ip,
            )
            # What earlier batches changed is kept, so it counts as changed.
            _people_changed()
        return
    counts = {**plan.counts(), **done}
    with transaction.atomic():
        StaffImport.objects.filter(pk=staff_import.pk).update(
            status=Status.DONE,
            counts=counts,
            stage="",
            processed_rows=staff_import.total_rows,
            finished_at=timezone.now(),
            progress_at=timezone.now(),
        )
        audit_record(
            verb=StaffImportEvent.APPLIED,
            actor=staff_import.applied_by,
            obj=staff_import,
            changes={"file": staff_import.file_name, "sha256": staff_import.sha256, **done},
            ip=ip,
        )
        _people_changed()
