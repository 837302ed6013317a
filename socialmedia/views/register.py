"""The register of corporate social media accounts (paragraph 23), for the Chief Executive and
delegates: every account with its platform, handle, owner, team, status, password change due,
last review and review due, filtered and paged; and its CSV export, streamed, formula-safe and
on the record. Neither ever reads the credentials: the register holds no secret."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.access import AuthenticatedRequest, access_required, client_ip
from portal.lib.csv_export import csv_export
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.uktime import local_text_for_rows
from socialmedia.access import is_decider
from socialmedia.events import SocialEvent
from socialmedia.forms.applications import HANDED_OVER, RegisterFilterForm
from socialmedia.models import Account, HandOver, TeamMember
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER

PAGE_SIZE = 50
ORDERING = ("platform", "handle", "pk")
MARKING = "OFFICIAL-SENSITIVE"


# The statuses of Account.objects.running(): only a running account has a password in use and
# is reviewed, so a closed (or not yet open) one is never shown as due either, whatever date
# it kept from before.
RUNNING = (Account.Status.ACTIVE, Account.Status.SUSPENDED)

# The rows carry annotations (handed_over, password_change_due, review_due, review_overdue)
# the model's type does not know of.
Rows = QuerySet[Any]


def register_rows(now: datetime) -> Rows:
    """Every account with its owner, its current team (one more query) and its flags."""
    return (
        Account.objects.select_related("owner")
        .annotate(
            handed_over=Exists(
                HandOver.objects.filter(account=OuterRef("pk"), outcome=HandOver.Outcome.ACCEPTED)
            ),
            password_change_due=Q(status__in=RUNNING, rotation_due_since__isnull=False),
            # As services.reviews.review_standing: due once the date has passed, overdue when
            # the reminders tell the Chief Executive.
            review_due=Q(status__in=RUNNING, review_due_at__lte=now),
            review_overdue=Q(status__in=RUNNING, review_due_at__lte=now - REVIEW_OVERDUE_AFTER),
        )
        .prefetch_related(
            Prefetch(
                "team",
                queryset=TeamMember.objects.current()
                .select_related("user")
                .order_by("user__full_name", "pk"),
                to_attr="current_team",
            )
        )
    )


def filtered(rows: Rows, filters: dict[str, str]) -> Rows:
    if q := filters.get("q"):
        rows = rows.filter(Q(handle__icontains=q) | Q(name__icontains=q))
    if status := filters.get("status"):
        if status == HANDED_OVER:
            rows = rows.filter(handed_over=True)
        else:
            rows = rows.filter(status=status)
    if platform := filters.get("platform"):
        rows = rows.filter(platform=platform)
    if filters.get("rotation_due"):
        rows = rows.filter(password_change_due=True)
    if filters.get("review") == "due":
        rows = rows.filter(review_due=True)
    elif filters.get("review") == "overdue":
        rows = rows.filter(review_overdue=True)
    return rows


@require_GET
@access_required(is_decider, sensitive=True)
def register(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    ignored = form.ignored()
    page = keyset_page(
        filtered(register_rows(now), filters),
        ordering=ORDERING,
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="social-register",
    )
    query = urlencode(filters)
    return render(
        request,
        "socialmedia/register/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": bool(filters),
            "ignored": ", ".join(ignored),
            "ignored_many": len(ignored) > 1,
            "now": now,
            "overdue_after_days": REVIEW_OVERDUE_AFTER.days,
        },
    )


HEADER = [
    "Platform",
    "Handle",
    "Account name",
    "Address",
    "Owner",
    "Team",
    "Status",
    "Handed over",
    "Applied for by",
    "Decided (UK time)",
    "Opened (UK time)",
    "Password change due since (UK time)",
    "Why the password change is due",
    "Last review (UK time)",
    "Review due (UK time)",
    "Review",
]


def _review_text(account: Any) -> str:
    if not account.is_running:
        return ""
    if account.review_overdue:
        return "Overdue"
    return "Due" if account.review_due else "Not yet due"


def _export_rows(rows: Rows, *, by: str, filters: dict, now: datetime) -> Iterator:
    when = local_text_for_rows(with_zone=True)
    described = "; ".join(f"{name}={value}" for name, value in filters.items()) or "none"
    yield [
        MARKING,
        f"Social media register exported {when(now)} by {by}. Filters: {described}. "
        "Share only with those who need to know.",
    ]
    yield HEADER
    account: Any  # an Account with the register's annotations and its current team
    for account in rows.select_related("applicant").order_by(*ORDERING).iterator(chunk_size=500):
        due = account.password_change_due
        yield [
            account.platform_name,
            account.handle,
            account.name,
            account.url,
            account.owner.full_name,
            "; ".join(row.user.full_name for row in account.current_team),
            account.get_status_display(),
            "Yes" if account.handed_over else "No",
            account.applicant.full_name,
            when(account.decided_at),
            when(account.opened_at),
            when(account.rotation_due_since) if due else "",
            account.rotation_due_reason if due else "",
            when(account.last_reviewed_at),
            when(account.review_due_at) if account.is_running else "",
            _review_text(account),
        ]


def _refused(ignored: list[str]) -> HttpResponse:
    """A download cannot show what was left out, so it is refused rather than made wider
    than asked (a link from an older page, or an address typed by hand)."""
    names = ", ".join(ignored)
    words = "These filters were" if len(ignored) > 1 else "This filter was"
    return HttpResponse(
        f"{words} not understood: {names}. Go back to the register, choose the filters again "
        "and download the CSV from there.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
@access_required(is_decider, sensitive=True)
def register_csv(request: AuthenticatedRequest):
    now = timezone.now()
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    if ignored := form.ignored():
        return _refused(ignored)
    return csv_export(
        rows=_export_rows(
            filtered(register_rows(now), filters),
            by=request.user.full_name,
            filters=filters,
            now=now,
        ),
        filename=f"{MARKING}-social-media-register-{timezone.localdate(now):%Y-%m-%d}.csv",
        verb=SocialEvent.REGISTER_EXPORTED,
        by=request.user,
        changes={"filters": filters},
        ip=client_ip(request),
    )
