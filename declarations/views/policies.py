"""Reading policies (everyone signed in) and writing and publishing them (policy administrators)."""

from copy import copy
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from declarations.access import (
    can_decide_approval,
    get_policy_for_user,
    get_version_for_admin,
    get_version_for_user,
    is_policy_admin,
)
from declarations.forms import (
    ApproveForm,
    PolicyForm,
    PolicyReviewForm,
    PolicyVersionForm,
    PublishForm,
    ReturnForm,
)
from declarations.markdown import render_markdown_noting_removals
from declarations.models import Policy, PolicyVersion, a_year_after
from declarations.selectors import policies_in_force, versions_in_effect
from declarations.services.approvals import (
    policy_version_approve,
    policy_version_request_approval,
    policy_version_return,
)
from declarations.services.policies import (
    default_resign_due,
    policy_create,
    policy_update,
    policy_version_create,
    policy_version_publish,
    policy_version_update,
)
from declarations.services.reviews import policy_review_record
from declarations.views.ids import id_from_link
from portal.access import AuthenticatedRequest, access_required, client_ip

# ---- Everyone signed in ------------------------------------------------------------------


@login_required
def policy_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "declarations/policy_list.html", {"policies": policies_in_force()})


@login_required
def policy_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    policy = get_policy_for_user(request.user, slug)
    history = list(
        policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).order_by(
            "-effective_date", "-published_at", "-pk"
        )
    )
    current = next((v for v in history if v.is_in_effect), None)
    return render(
        request,
        "declarations/policy_detail.html",
        {"policy": policy, "current": current, "history": history},
    )


@login_required
def version_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, pk)
    if not version.is_published:
        return redirect("declarations:admin_version", pk=version.pk)
    newer = (
        PolicyVersion.objects.filter(
            policy_id=version.policy_id,
            status=PolicyVersion.Status.PUBLISHED,
            published_at__gt=version.published_at,
        )
        .order_by("-published_at")
        .first()
    )
    # Is there an earlier version to compare this one with?
    has_earlier = (
        PolicyVersion.objects.filter(
            policy_id=version.policy_id,
            status=PolicyVersion.Status.PUBLISHED,
            published_at__lt=version.published_at,
        )
        .exclude(pk=version.pk)
        .exists()
    )
    return render(
        request,
        "declarations/version_detail.html",
        {"version": version, "newer": newer, "has_earlier": has_earlier},
    )


@login_required
def version_pdf(request: AuthenticatedRequest, pk: int) -> FileResponse:
    version = get_version_for_user(request.user, pk)
    if not version.pdf:
        raise Http404("This version has no PDF.")
    return FileResponse(
        version.pdf.open("rb"),
        as_attachment=True,
        filename=f"{version.policy.slug}-{version.label}.pdf",
        content_type="application/pdf",
    )


# ---- Policy administrators ---------------------------------------------------------------


@access_required(is_policy_admin)
def admin_policy_list(request: AuthenticatedRequest) -> HttpResponse:
    policies = Policy.objects.annotate(
        published_count=Count("versions", filter=Q(versions__status="published")),
        draft_count=Count("versions", filter=Q(versions__status="draft")),
        awaiting_count=Count(
            "versions",
            filter=Q(versions__status="draft", versions__approval=PolicyVersion.Approval.AWAITING),
        ),
        last_published=Max("versions__published_at"),
    ).order_by("title")
    page = Paginator(policies, 50).get_page(request.GET.get("page"))
    return render(request, "declarations/admin/policy_list.html", {"page": page})


@access_required(is_policy_admin)
def policy_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = policy_create(by=request.user, ip=client_ip(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Policy “{policy.title}” created. Now write its text.")
            return redirect("declarations:version_create", slug=policy.slug)
    return render(request, "declarations/admin/policy_form.html", {"form": form})


@access_required(is_policy_admin)
def policy_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    policy = get_policy_for_user(request.user, slug)
    # The form is given a copy: a bound form writes what was typed onto its instance, and the
    # page's links are made from the address the policy has now, not one half typed.
    form = PolicyForm(request.POST or None, instance=copy(policy))
    if request.method == "POST" and form.is_valid():
        try:
            saved = policy_update(
                policy=policy, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Policy details saved.")
            return redirect("declarations:admin_policy", slug=saved.slug)
    return render(request, "declarations/admin/policy_form.html", {"form": form, "policy": policy})


@access_required(is_policy_admin)
def admin_policy_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    policy = get_policy_for_user(request.user, slug)
    versions = policy.versions.select_related("published_by").order_by("-created_at", "-pk")
    return render(
        request, "declarations/admin/policy_detail.html", {"policy": policy, "versions": versions}
    )


@access_required(is_policy_admin)
def version_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    policy = get_policy_for_user(request.user, slug)
    initial: dict[str, Any] = {"owner": policy.owner_id}
    source = None
    if (start := id_from_link(request.GET.get("from", ""))) is not None:
        # "Make a new version" of a published one: start from its text.
        source = get_version_for_admin(request.user, start)
        if source.policy_id != policy.pk:
            raise Http404("That version belongs to another policy.")
        initial = {"body_markdown": source.body_markdown, "owner": source.owner_id}
    form = PolicyVersionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = policy_version_create(
                policy=policy, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Draft version {version.label} saved. Check it, then publish it."
            )
            return redirect("declarations:admin_version", pk=version.pk)
    return render(
        request,
        "declarations/admin/version_form.html",
        {"form": form, "policy": policy, "source": source},
    )


@access_required(is_policy_admin)
def version_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_admin(request.user, pk)
    if version.is_published:
        # Published text is fixed: say so and offer a new version, whatever was posted.
        return render(request, "declarations/admin/version_published.html", {"version": version})
    form = PolicyVersionForm(request.POST or None, request.FILES or None, instance=version)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pdf = data.pop("pdf", None)
        try:
            policy_version_update(
                version=version, by=request.user, pdf=pdf, ip=client_ip(request), **data
            )
        except ValidationError as error:
            if version_is_now_published(version):  # published in another tab meanwhile
                return render(
                    request, "declarations/admin/version_published.html", {"version": version}
                )
            form.add_error(None, error)
        else:
            messages.success(request, "Draft saved.")
            return redirect("declarations:admin_version", pk=version.pk)
    return render(
        request,
        "declarations/admin/version_form.html",
        {"form": form, "policy": version.policy, "version": version},
    )


def version_is_now_published(version: PolicyVersion) -> bool:
    return PolicyVersion.objects.filter(
        pk=version.pk, status=PolicyVersion.Status.PUBLISHED
    ).exists()


@access_required(is_policy_admin)
def admin_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A version as staff will see it: a preview while it is a draft, with the publish form,
    or what approval it waits for and, for a second administrator, the forms to decide."""
    version = get_version_for_admin(request.user, pk)
    if version.is_published:
        return render(
            request,
            "declarations/admin/version_detail.html",
            {"version": version, "body_html": version.body_html},
        )
    return _preview(request, version)


def _preview(
    request: AuthenticatedRequest,
    version: PolicyVersion,
    *,
    publish_form: PublishForm | None = None,
    approve_form: ApproveForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A draft as staff will see it, with what the sanitiser removed from it and why: said
    before publishing, so the author can put it right rather than find words missing. The
    publish form is offered only once nothing is waiting for approval; the decision forms only
    to a policy administrator who may decide (never an author)."""
    body_html, removed = render_markdown_noting_removals(version.body_markdown)
    context: dict[str, Any] = {"version": version, "body_html": body_html, "removed": removed}
    if not version.needs_approval:
        context["publish_form"] = publish_form or PublishForm(
            version=version, initial={"resign_due_at": default_resign_due()}
        )
    elif can_decide_approval(request.user, version):
        context["approve_form"] = approve_form or ApproveForm()
        context["return_form"] = return_form or ReturnForm()
    return render(request, "declarations/admin/version_detail.html", context, status=status)


@access_required(is_policy_admin)
@require_POST
def version_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_admin(request.user, pk)
    if version.needs_approval:
        # The page offers no publish button until it is approved; say so to a stale page.
        messages.error(
            request,
            f"Version {version.label} needs approval by a second policy administrator before "
            "it can be published.",
        )
        return redirect("declarations:admin_version", pk=version.pk)
    form = PublishForm(request.POST, version=version)
    if form.is_valid():
        try:
            version, campaign = policy_version_publish(
                version=version,
                by=request.user,
                resign_due_at=form.cleaned_data.get("resign_due_at"),
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Version {version.label} is published. Its text is now fixed."
            )
            if campaign is not None:
                messages.info(
                    request,
                    "Everyone who signed an earlier version is being asked to sign again.",
                )
                return redirect("declarations:campaign", pk=campaign.pk)
            if version.material_change:
                messages.info(
                    request, "Nobody had signed an earlier version, so nobody needs to sign again."
                )
            return redirect("declarations:admin_version", pk=version.pk)
    return _preview(
        request, version, publish_form=form, status=400 if not version.is_published else 200
    )


# ---- Approval before publishing ----------------------------------------------------------


@access_required(is_policy_admin)
@require_POST
def version_request_approval(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_admin(request.user, pk)
    try:
        policy_version_request_approval(version=version, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Version {version.label} is waiting for approval. The other policy administrators "
            "have been asked by email.",
        )
    return redirect("declarations:admin_version", pk=version.pk)


@access_required(is_policy_admin)
@require_POST
def version_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_admin(request.user, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _preview(request, version, approve_form=form, status=400)
    try:
        policy_version_approve(
            version=version, by=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.label} is approved and can be published.")
    return redirect("declarations:admin_version", pk=version.pk)


@access_required(is_policy_admin)
@require_POST
def version_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_admin(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _preview(request, version, return_form=form, status=400)
    try:
        policy_version_return(
            version=version,
            by=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.label} was sent back, with your reason.")
    return redirect("declarations:admin_version", pk=version.pk)


# ---- Reviews -----------------------------------------------------------------------------


@access_required(is_policy_admin)
def policy_review(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Record that the policy was reviewed, and set its next review date."""
    policy = get_policy_for_user(request.user, slug)
    form = PolicyReviewForm(
        request.POST or None, initial={"next_review_date": _next_review(policy)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_review_record(
                policy=policy, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Review recorded, with the next review date.")
            return redirect("declarations:admin_policy", slug=policy.slug)
    return render(
        request, "declarations/admin/policy_review.html", {"policy": policy, "form": form}
    )


def _next_review(policy: Policy) -> date:
    """A year after the version in effect took effect, if that is still ahead; else a year
    from today."""
    today = timezone.localdate()
    current = versions_in_effect(today).get(policy.pk)
    if current is not None and a_year_after(current.effective_date) > today:
        return a_year_after(current.effective_date)
    return a_year_after(today)
