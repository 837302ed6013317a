"""The pages every member of staff uses: their own groups, and a group's page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from groups import sections
from groups.access import get_group_for_user, is_dpo, runs
from groups.selectors import groups_of
from portal.access import AuthenticatedRequest
from portal.lib.sensitive import sensitive_page


@login_required
def my_groups(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "groups/my_groups.html", {"groups": list(groups_of(request.user))})


# Sensitive: it names the group's members.
@sensitive_page
@login_required
def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    members = list(group.memberships.current().select_related("user", "user__department"))
    externals = list(group.external_members.current())
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "runs_it": runs(request.user, group),
            "is_dpo": is_dpo(request.user),
            "members": members,
            "externals": externals,
            "member_total": len(members) + len(externals),
            "top_sections": sections.build(sections.TOP, request, group),
            "main_sections": sections.build(sections.MAIN, request, group),
            "submissions": list(group.submissions.select_related("submitted_by", "decided_by")),
        },
    )
