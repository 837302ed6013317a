"""Permissions from the Chief Executive: asking (anyone signed in), a request's page (its
requester and the deciders), deciding, revising after changes were asked for, withdrawing,
downloading a request's files, a person's own requests and the deciders' queue."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.request_size import accepts_body_up_to
from portal.lib.sensitive import sensitive_page
from portal.lib.upload_limits import each_file_capped, files_too_large
from portal.registry import Fragment
from portal.uploads import CONTENT_TYPES, EXTENSIONS
from socialmedia.access import (
    get_permission_file_for_user,
    get_request_for_decider,
    get_request_for_requester,
    get_request_for_user,
    is_decider,
)
from socialmedia.forms.permissions import (
    OPEN,
    PermissionDecideForm,
    PermissionFilterForm,
    PermissionRequestForm,
    PermissionReviseForm,
    PermissionWithdrawForm,
)
from socialmedia.models import PermissionDecision, PermissionRequest, RequestVersion
from socialmedia.permission_uploads import PERMISSION_BODY_LIMIT
from socialmedia.services.permissions import (
    APPROVALS,
    nobody_decides,
    permission_decide,
    permission_file_downloaded,
    permission_request,
    permission_revise,
    permission_withdraw,
)

PAGE_SIZE = 50
Status = PermissionRequest.Status
OPEN_STATUSES = (Status.SUBMITTED, Status.CHANGES_ASKED)


# ---- Asking --------------------------------------------------------------------------------


# Sensitive: a form shown again holds what was typed (an unpublished press release, say).
# Not in the request's transaction (ATOMIC_REQUESTS): the service stores the files and commits
# them with their rows in its own, deleting them if it fails; an outer transaction failing
# later would roll the rows back and leave their files behind. The view writes nothing else:
# it reads, calls the one service, then adds a message and redirects.
@transaction.non_atomic_requests
@accepts_body_up_to(PERMISSION_BODY_LIMIT)
@each_file_capped
@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def permission_new(request: AuthenticatedRequest) -> HttpResponse:
    form = PermissionRequestForm(
        request.POST or None, request.FILES or None, too_large=files_too_large(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = permission_request(
                kind=data["kind"],
                subkind=data["subkind"],
                title=data["title"],
                text=data["text"],
                needed_by=data["needed_by"],
                files=data["attachments"],
                token=data["submission_token"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _say_sent(request, made, "Your request has gone to the Chief Executive.")
            return redirect("socialmedia:permission", pk=made.pk)
    return render(request, "socialmedia/permissions/new.html", {"form": form})


def _say_sent(request: AuthenticatedRequest, permission: PermissionRequest, sent: str) -> None:
    """What the requester is told once it is sent: that nobody can decide on it yet, when so
    (the request's page then says why), rather than that it reached a decider."""
    if nobody_decides(permission) is None:
        messages.success(request, f"{sent} You will be emailed the decision.")
    else:
        messages.warning(request, "Your request is recorded, but nobody can decide on it yet.")


# ---- A request's page ----------------------------------------------------------------------


def _request_page_context(user, permission: PermissionRequest) -> dict:
    """Every version (newest first, with its files), every decision (with the version it
    names), and the approved version: in a fixed number of queries."""
    versions = list(
        RequestVersion.objects.filter(request=permission)
        .select_related("submitted_by")
        .prefetch_related("attachments")
        .order_by("-number")
    )
    decisions = list(
        PermissionDecision.objects.filter(request=permission)
        .select_related("decided_by", "version")
        .order_by("-decided_at", "-pk")
    )
    approved = next((d for d in decisions if d.outcome in APPROVALS), None)
    latest = versions[0] if versions else None
    may_decide = (
        is_decider(user)
        and permission.status == Status.SUBMITTED
        and permission.requester_id != user.pk
    )
    return {
        "permission": permission,
        "versions": versions,
        "latest": latest,
        "decisions": decisions,
        "approved": approved,
        "is_requester": permission.requester_id == user.pk,
        "is_decider": is_decider(user),
        "may_decide": may_decide,
        # Only the requester of a waiting request is told (one query, then).
        "nobody_decides": (
            nobody_decides(permission)
            if permission.requester_id == user.pk and permission.status == Status.SUBMITTED
            else None
        ),
    }


@require_GET
@sensitive_page
@login_required
def permission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    permission = get_request_for_user(request.user, pk)
    context = _request_page_context(request.user, permission)
    if context["may_decide"]:
        context["decide_form"] = PermissionDecideForm(initial={"version": context["latest"].number})
    return render(request, "socialmedia/permissions/detail.html", context)


@require_GET
@sensitive_page
@login_required
def permission_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A file of a request, always as a download (never shown in the page, whatever it
    holds), under a name the portal makes."""
    attachment = get_permission_file_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    permission_file_downloaded(attachment=attachment, by=request.user, ip=client_ip(request))
    version = attachment.version
    extension = EXTENSIONS.get(attachment.content_type, "bin")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"permission-{version.request_id}-v{version.number}-file-{attachment.pk}"
        f".{extension}",
        content_type=CONTENT_TYPES.get(attachment.content_type, "application/octet-stream"),
    )


# ---- Deciding ------------------------------------------------------------------------------


def _shown_again(
    form: PermissionDecideForm, error: ValidationError, permission: PermissionRequest
) -> PermissionDecideForm:
    """The form with the service's refusal. If a newer version arrived, the form now names it
    (the page shows it above) and the decision chosen is cleared, so that the next click
    cannot decide a version that was not read; what was typed stays."""
    latest = RequestVersion.objects.filter(request=permission).order_by("-number").first()
    if latest is not None and latest.number != form.cleaned_data["version"]:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(latest.number)
        data.pop("outcome", None)
        form = PermissionDecideForm(data)
        form.is_valid()
    form.add_error(None, error)
    return form


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def permission_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    permission = get_request_for_decider(request.user, pk)
    form = PermissionDecideForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = permission_decide(
                request=permission,
                version_number=data["version"],
                outcome=data["outcome"],
                reason=data["reason"],
                conditions=data["conditions"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            # As it is now: decided or withdrawn meanwhile, the form is not offered again.
            permission.refresh_from_db()
            form = _shown_again(form, error, permission)
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                f"Decision recorded: {decision.get_outcome_display().lower()} "
                f"(version {decision.version.number}). {permission.requester.full_name} has "
                "been emailed.",
            )
            return redirect("socialmedia:permission", pk=permission.pk)
    context = _request_page_context(request.user, permission)
    if request.method == "GET" and context["latest"] is not None:
        form = PermissionDecideForm(initial={"version": context["latest"].number})
    return render(
        request,
        "socialmedia/permissions/decide.html",
        {**context, "decide_form": form, "refusal": refusal},
    )


# ---- Revising and withdrawing --------------------------------------------------------------


# Not in the request's transaction, as permission_new (the files of a revision): the view
# writes only through permission_revise, which re-reads the request under its lock.
@transaction.non_atomic_requests
@accepts_body_up_to(PERMISSION_BODY_LIMIT)
@each_file_capped
@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def permission_revise_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    permission = get_request_for_requester(request.user, pk)
    # No longer open to changes while they were writing: the POST is refused by the service
    # and the form comes back with what they typed, rather than losing it to a redirect.
    if permission.status != Status.CHANGES_ASKED and request.method != "POST":
        messages.info(request, "This request is not waiting for changes from you.")
        return redirect("socialmedia:permission", pk=permission.pk)
    last = (
        RequestVersion.objects.filter(request=permission)
        .prefetch_related("attachments")
        .order_by("-number")
        .first()
    )
    assert last is not None
    previous = list(last.attachments.all())
    form = PermissionReviseForm(
        request.POST or None,
        request.FILES or None,
        previous=previous,
        too_large=files_too_large(request),
        initial={"text": last.text},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = permission_revise(
                request=permission,
                text=data["text"],
                change_note=data["change_note"],
                keep=form.kept_ids(),
                files=data["attachments"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sent = f"Version {version.number} has gone to the Chief Executive."
            _say_sent(request, permission, sent)
            return redirect("socialmedia:permission", pk=permission.pk)
    changes_asked = (
        PermissionDecision.objects.filter(
            request=permission, outcome=PermissionDecision.Outcome.CHANGES_ASKED
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    return render(
        request,
        "socialmedia/permissions/revise.html",
        {"permission": permission, "form": form, "last": last, "asked": changes_asked},
    )


@require_http_methods(["GET", "POST"])
@sensitive_page
@login_required
def permission_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    permission = get_request_for_requester(request.user, pk)
    if not permission.open and request.method != "POST":
        messages.info(request, "This request is closed already.")
        return redirect("socialmedia:permission", pk=permission.pk)
    form = PermissionWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permission_withdraw(
                request=permission,
                reason=form.cleaned_data["reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request is withdrawn.")
            return redirect("socialmedia:permission", pk=permission.pk)
    return render(
        request, "socialmedia/permissions/withdraw.html", {"permission": permission, "form": form}
    )


# ---- Lists ---------------------------------------------------------------------------------


def _listed(rows: QuerySet[PermissionRequest], request: AuthenticatedRequest, name: str) -> dict:
    """Open requests first, then the oldest first (what has waited longest), filtered and paged
    by keyset: one query whatever the number of rows."""
    form = PermissionFilterForm(request.GET or None)
    kept: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["status"] == OPEN:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif data["status"]:
            rows = rows.filter(status=data["status"])
        kept = {key: str(data[key]) for key in ("kind", "status") if data[key]}
    rows = rows.select_related("requester").annotate(
        closed_rank=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    page = keyset_page(
        rows,
        ordering=("closed_rank", "submitted_at", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name=name,
    )
    return {"form": form, "page": page, "query": urlencode(kept), "filtered": bool(kept)}


@require_GET
@sensitive_page
@login_required
def permissions_mine(request: AuthenticatedRequest) -> HttpResponse:
    rows = PermissionRequest.objects.filter(requester_id=request.user.pk)
    return render(
        request,
        "socialmedia/permissions/mine.html",
        _listed(rows, request, "permissions-mine"),
    )


@require_GET
@access_required(is_decider, sensitive=True)
def permissions_queue(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "socialmedia/permissions/queue.html",
        _listed(PermissionRequest.objects.all(), request, "permissions-queue"),
    )


# ---- The dashboard -------------------------------------------------------------------------


def permissions_panel(request: AuthenticatedRequest) -> Fragment:
    """Everyone: how to ask, and their own requests. The deciders: how many wait for a
    decision (not their own). One query for a decider, none for anyone else."""
    waiting = None
    if is_decider(request.user):
        waiting = (
            PermissionRequest.objects.filter(status=Status.SUBMITTED)
            .exclude(requester_id=request.user.pk)
            .count()
        )
    return "socialmedia/permissions/_panel.html", {"waiting": waiting}
