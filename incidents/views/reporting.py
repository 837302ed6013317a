"""Reporting an incident (anyone signed in), the confirmation that says what to do now, a
person's own reports, adding to a report later, and downloading a report's files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from incidents.access import get_attachment_for_user, get_incident_for_reporter
from incidents.forms.report import AddInformationForm, ReportForm, files_fit, files_passed
from incidents.kinds import Kind
from incidents.models import Incident, PendingUpload
from incidents.services.attachments import (
    attachment_downloaded,
    download_name,
    kept_token,
    kept_uploads,
    pending_uploads_discard,
    pending_uploads_keep,
)
from incidents.services.reporting import (
    incident_add_information,
    incident_report,
    sent_to_text,
    unreached,
)
from incidents.still_to_do import still_to_do
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.request_size import accepts_body_up_to
from portal.lib.sensitive import sensitive_page
from portal.lib.upload_limits import each_file_capped, files_too_large
from portal.models import OrganisationSettings
from portal.uploads import CONTENT_TYPES

# Generous: a file over the portal's limit is skipped as it arrives (portal.lib.upload_limits)
# and named on the form, so a larger body costs reading, not memory or disk, and what was typed
# comes back with the form instead of a "too large" page.
REPORT_BODY_LIMIT = 100 * 1024 * 1024
MINE_PER_PAGE = 25


def _files_sent(request: AuthenticatedRequest) -> bool:
    return any(f.size for f in request.FILES.getlist("attachments"))


def _kept(request: AuthenticatedRequest) -> list[PendingUpload]:
    """The person's files kept from sending the form before (named in its signed hidden
    list), less those they ticked to remove, which go at once."""
    if request.method != "POST":
        return []
    named = kept_uploads(request.user, request.POST.get("kept"))
    remove = set(request.POST.getlist("remove_kept"))
    dropped = [pending for pending in named if str(pending.pk) in remove]
    if dropped:
        pending_uploads_discard(uploads=dropped, by=request.user)
    return [pending for pending in named if str(pending.pk) not in remove]


def _files_context(request: AuthenticatedRequest, form, kept: list[PendingUpload]) -> dict:
    """For a form shown again: the files that passed their checks are kept (a browser cannot
    keep chosen files when a form comes back) and listed with those kept before."""
    if request.method != "POST":
        return {"kept": [], "kept_token": "", "choose_files_again": False}
    # As they are now: a report that failed after the form was valid rolled back.
    kept = list(PendingUpload.objects.filter(user=request.user, pk__in=[k.pk for k in kept]))
    new = pending_uploads_keep(files=files_passed(form), by=request.user)
    kept += new
    files_fit(form, kept=len(kept))
    return {
        "kept": kept,
        "kept_token": kept_token(request.user, [k.pk for k in kept]),
        "choose_files_again": _files_sent(request) and not new,
    }


# Sensitive: a form shown again holds what was typed about the incident.
@accepts_body_up_to(REPORT_BODY_LIMIT)
@each_file_capped
@sensitive_page
@login_required
def report(request: AuthenticatedRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    kept = _kept(request)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        reporter=request.user,
        initial=initial,
        too_large=files_too_large(request),
        kept=len(kept),
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_report(
                by=request.user,
                report=form.report(),
                files=form.cleaned_data["attachments"],
                kept=kept,
                token=form.cleaned_data["submission_token"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("incidents:reported", pk=incident.pk)
    return render(
        request,
        "incidents/report/report_form.html",
        {"form": form, "kind_parts": form.kind_parts(), **_files_context(request, form, kept)},
    )


@require_GET
@sensitive_page
@login_required
def reported(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_reporter(request.user, pk)
    return render(
        request,
        "incidents/report/reported.html",
        {
            "incident": incident,
            "todo": still_to_do(incident, request.user),
            "sent_to": sent_to_text(incident, unreached(incident, OrganisationSettings.load())),
        },
    )


@require_GET
@sensitive_page
@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own reports and those made for them, newest first."""
    user = request.user
    reports = (
        Incident.objects.filter(Q(reported_by_id=user.pk) | Q(reported_for_id=user.pk))
        .select_related("reported_by", "reported_for")
        .only(
            "reference",
            "kind",
            "status",
            "reported_at",
            "reported_by__full_name",
            "reported_for__full_name",
        )
        .order_by("-reported_at", "-pk")
    )
    page = Paginator(reports, MINE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/report/mine.html", {"page": page})


@accepts_body_up_to(REPORT_BODY_LIMIT)
@each_file_capped
@sensitive_page
@login_required
def add_information(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_reporter(request.user, pk)
    # Closed while they were writing: the service refuses the POST, and the form comes back
    # with what they typed, rather than losing it to a redirect.
    if incident.is_closed and request.method != "POST":
        messages.info(
            request, "This report is closed. If something has happened since, make a new report."
        )
        return redirect("incidents:incident", pk=incident.pk)
    kept = _kept(request)
    form = AddInformationForm(
        request.POST or None,
        request.FILES or None,
        too_large=files_too_large(request),
        kept=len(kept),
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident_add_information(
                incident=incident,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
                kept=kept,
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Added to your report. The people dealing with it have been told."
            )
            return redirect("incidents:incident", pk=incident.pk)
    return render(
        request,
        "incidents/report/add_information.html",
        {"incident": incident, "form": form, **_files_context(request, form, kept)},
    )


@require_GET
@sensitive_page
@login_required
def attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A file of an incident the person may see, always as a download (never shown in the
    page, whatever it holds), under a name the portal makes."""
    found = get_attachment_for_user(request.user, pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    attachment_downloaded(attachment=found, by=request.user, ip=client_ip(request))
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(found),
        content_type=CONTENT_TYPES.get(found.content_kind, "application/octet-stream"),
    )
