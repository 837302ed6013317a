"""The register of chat groups, for the DPO and deputy: every group with its purpose, admin,
size, status, last review, hold and needs-an-admin flags, filtered and paginated; and a CSV of
the approved groups and their purposes, fit to publish in answer to an FOI request."""

from collections.abc import Iterator
from urllib.parse import urlencode

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groups.access import is_dpo
from groups.events import GroupEvent
from groups.forms.register import RegisterExportForm, RegisterFilterForm
from groups.models import ChatGroup, ExternalMember, Hold, Membership
from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.csv_export import csv_export
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.uktime import local_text_for_rows

PAGE_SIZE = 50


def _count(model, **filters) -> Coalesce:
    # A subquery each, so counting members and external members does not multiply rows.
    counted = (
        model.objects.filter(group_id=OuterRef("pk"), removed_at__isnull=True, **filters)
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def register_rows():
    """Every group with its counts and flags, in one query."""
    return ChatGroup.objects.select_related("admin").annotate(
        staff_count=_count(Membership),
        external_count=_count(ExternalMember),
        on_hold=Exists(Hold.objects.filter(groups=OuterRef("pk"), released_at__isnull=True)),
    )


@access_required(is_dpo, sensitive=True)
def register(request: AuthenticatedRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    groups = register_rows()
    kept = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            groups = groups.filter(name__icontains=data["q"].strip())
        if data["status"]:
            groups = groups.filter(status=data["status"])
        if data["platform"]:
            groups = groups.filter(platform=data["platform"])
        if data["needs_admin"]:
            groups = groups.filter(needs_admin=True)
        if data["on_hold"]:
            groups = groups.filter(on_hold=True)
        kept = {key: value for key, value in request.GET.items() if key in form.fields and value}
    page = keyset_page(
        groups,
        ordering=("name", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="chat-group-register",
    )
    return render(
        request,
        "groups/register/list.html",
        {
            "form": form,
            "page": page,
            "query": urlencode(kept),
            "export_form": RegisterExportForm(),
        },
    )


def _export_rows(include_members: bool) -> Iterator[list]:
    when = local_text_for_rows("%Y-%m-%d")
    header = ["Group", "App", "Business purpose", "Who it is for", "Approved on", "Members"]
    if include_members:
        header += ["Admin", "Deputy admin", "Members of staff", "Members from outside"]
    yield header
    groups = register_rows().approved().order_by("name", "pk")
    if include_members:
        groups = groups.select_related("deputy").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("user"),
                to_attr="current_members",
            ),
            Prefetch(
                "external_members",
                queryset=ExternalMember.objects.filter(removed_at__isnull=True),
                to_attr="current_externals",
            ),
        )
    for group in groups.iterator(chunk_size=500):
        row = [
            group.name,
            group.platform_name,
            group.purpose,
            group.audience,
            when(group.approved_at),
            group.staff_count + group.external_count,
        ]
        if include_members:
            row += [
                group.admin.full_name,
                group.deputy.full_name if group.deputy else "",
                "; ".join(m.user.full_name for m in group.current_members),
                "; ".join(f"{e.name} ({e.organisation})" for e in group.current_externals),
            ]
        yield row


@require_GET
@access_required(is_dpo)
def register_export(request: AuthenticatedRequest):
    form = RegisterExportForm(request.GET or None)
    include_members = form.is_valid() and form.cleaned_data["include_members"]
    return csv_export(
        rows=_export_rows(include_members),
        filename=f"chat-group-register-{timezone.localdate():%Y-%m-%d}.csv",
        verb=GroupEvent.REGISTER_EXPORTED,
        by=request.user,
        changes={"include_members": include_members},
        ip=client_ip(request),
    )
