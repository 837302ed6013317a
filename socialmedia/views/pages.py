"""An account's page: one page for everyone who may open it (its applicant, owner, team, the
Chief Executive and delegates), built from sections (socialmedia/sections.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.access import AuthenticatedRequest
from portal.lib.sensitive import sensitive_page
from socialmedia import sections
from socialmedia.access import get_account_for_user, is_decider, owns


@require_GET
@sensitive_page
@login_required
def account_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    return render(
        request,
        "socialmedia/account_detail.html",
        {
            "account": account,
            "is_owner": owns(request.user, account),
            "is_decider": is_decider(request.user),
            "top_sections": sections.build(sections.TOP, request, account),
            "main_sections": sections.build(sections.MAIN, request, account),
        },
    )
