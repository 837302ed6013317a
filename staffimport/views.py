"""The staff import pages, for policy administrators: upload HR's file, see its problems or the
preview of what it would change, apply it, watch its progress, and look back at past imports."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.csv_export import csv_lines
from portal.lib.request_size import FORM_ALLOWANCE, accepts_body_up_to
from staffimport.access import can_import_staff, get_import_for_user
from staffimport.columns import COLUMNS
from staffimport.forms import StaffImportForm
from staffimport.models import StaffImport
from staffimport.parsing import MAX_FILE_BYTES
from staffimport.services import (
    STALE_AFTER,
    ApplyRefused,
    staff_import_create,
    staff_import_request_apply,
)

Status = StaffImport.Status


@access_required(can_import_staff)
def staff_import_list(request: AuthenticatedRequest) -> HttpResponse:
    imports = StaffImport.objects.select_related("uploaded_by").only(
        "file_name",
        "status",
        "total_rows",
        "counts",
        "problem_count",
        "created_at",
        "source",
        "uploaded_by__full_name",
    )
    page = Paginator(imports, 25).get_page(request.GET.get("page"))
    return render(request, "staffimport/list.html", {"page": page})


# A whole force's HR file is far larger than any other upload.
@accepts_body_up_to(MAX_FILE_BYTES + FORM_ALLOWANCE)
@access_required(can_import_staff)
def staff_import_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staff_import = staff_import_create(
            upload=upload,
            file_name=upload.name,
            rows=form.rows,
            by=request.user,
            deactivate_missing=form.cleaned_data["deactivate_missing"],
        )
        if form.ignored:
            messages.info(
                request,
                "These columns are not ones the import reads, so they were ignored: "
                + ", ".join(form.ignored)
                + ".",
            )
        return redirect("staffimport:detail", pk=staff_import.pk)
    return render(request, "staffimport/upload.html", {"form": form, "columns": COLUMNS})


@access_required(can_import_staff, sensitive=True)
def staff_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(request.user, pk)
    stale = (
        staff_import.is_running
        and staff_import.progress_at is not None
        and staff_import.progress_at < timezone.now() - STALE_AFTER
    )
    return render(
        request,
        "staffimport/detail.html",
        {
            "staff_import": staff_import,
            "counts": staff_import.counts,
            "preview": staff_import.preview,
            "stale": stale,
            "problems_hidden": staff_import.problem_count - len(staff_import.problems),
            "held": (
                staff_import.held_changes.select_related("user", "decided_by")
                if staff_import.status in (Status.DONE, Status.FAILED)
                else []
            ),
        },
    )


# Not one transaction for the whole request: the claim must commit at once (so a second
# administrator sees the import as busy), and each batch commits as it goes, as in the worker,
# rather than holding the audit trail's lock until the last row is done.
@transaction.non_atomic_requests
@access_required(can_import_staff)
@require_POST
def staff_import_apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(request.user, pk)
    try:
        staff_import_request_apply(
            staff_import=staff_import,
            by=request.user,
            sha256=request.POST.get("sha256", ""),
            ip=client_ip(request),
        )
    except ApplyRefused as exc:
        messages.error(request, str(exc))
        return redirect("staffimport:detail", pk=pk)
    staff_import.refresh_from_db()
    counts = staff_import.counts
    if staff_import.status == Status.DONE:
        held = counts.get("held", 0)
        messages.success(
            request,
            f"Applied: {counts.get('created', 0)} added, {counts.get('updated', 0)} updated, "
            f"{counts.get('deactivated', 0)} deactivated."
            + (
                f" {held} change{pluralize(held)} to people who hold a role wait for a system "
                "administrator's approval."
                if held
                else ""
            ),
        )
    elif staff_import.status == Status.APPLYING:
        messages.info(request, "The changes are being applied. This page shows how far it has got.")
    elif staff_import.status == Status.FAILED:
        messages.error(request, "Applying stopped with an error. The details are below.")
    else:
        messages.warning(request, "Nothing was applied. The details are below.")
    return redirect("staffimport:detail", pk=pk)


@access_required(can_import_staff)
def staff_import_progress(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """Polled every two seconds by static/staffimport/import_progress.js while an import runs."""
    staff_import = get_import_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": staff_import.status,
            "status_label": staff_import.get_status_display(),
            "stage": staff_import.stage,
            "total_rows": staff_import.total_rows,
            "processed_rows": staff_import.processed_rows,
            "percent": staff_import.percent,
            "finished": not staff_import.is_running,
        }
    )


@access_required(can_import_staff)
def staff_import_template(request: AuthenticatedRequest) -> HttpResponse:
    """An empty HR file with every column and one example row, to start from."""
    # No one's data, so not an audited export; written as every export is (formula-safe, BOM).
    lines = csv_lines([[c.name for c in COLUMNS], [c.example for c in COLUMNS]])
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-import-template.csv"'
    return response
