"""Compare two versions of a policy: for staff re-signing after a change, and for policy
administrators checking a draft against the version in effect."""

from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from declarations.access import get_version_for_user, is_policy_admin
from declarations.compare import compare_html
from declarations.markdown import render_markdown
from declarations.models import PolicyVersion
from declarations.views.ids import id_from_link
from portal.access import AuthenticatedRequest

_NOT_YET = datetime.max.replace(tzinfo=UTC)


def _order(version: PolicyVersion) -> tuple:
    # Oldest first: by the date each takes effect, then publication (a draft comes last).
    return (version.effective_date, version.published_at or _NOT_YET, version.pk)


def _html(version: PolicyVersion) -> str:
    # A published version's HTML was fixed at publication; a draft's is what it would be.
    return version.body_html if version.is_published else render_markdown(version.body_markdown)


@login_required
def version_compare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, pk)
    # The choices need no text; the one compared is fetched whole below.
    others = (
        PolicyVersion.objects.filter(policy_id=version.policy_id)
        .exclude(pk=version.pk)
        .defer("body_markdown", "body_html")
    )
    if not is_policy_admin(request.user):
        others = others.filter(status=PolicyVersion.Status.PUBLISHED)
    choices = sorted(others, key=_order, reverse=True)
    chosen = id_from_link(request.GET.get("with", ""))
    if chosen is not None:
        other = next((v for v in choices if v.pk == chosen), None)
        if other is None:
            raise Http404("No such version of this policy.")
    else:
        # The version just before this one; for the oldest, the one just after.
        earlier = [v for v in choices if _order(v) < _order(version)]
        other = earlier[0] if earlier else (choices[-1] if choices else None)
    context = {"version": version, "choices": choices, "other": other}
    if other is not None:
        other = get_version_for_user(request.user, other.pk)
        older, newer = sorted([version, other], key=_order)
        comparison = compare_html(_html(older), _html(newer))
        show_all = request.GET.get("show") == "all"
        context |= {
            "older": older,
            "newer": newer,
            "comparison": comparison,
            "counts": {
                "changed": comparison.count("changed"),
                "added": comparison.count("added"),
                "removed": comparison.count("removed"),
            },
            "shown": comparison.blocks if show_all else comparison.short(),
            "show_all": show_all,
        }
    return render(request, "declarations/version_compare.html", context)
