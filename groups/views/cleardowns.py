"""Clear-down pages: the one-click link from the email, the clear-downs a person owes, the
prompter's "I posted the prompt", and the guidance on clearing a chat."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import get_cycle_for_link, get_cycle_for_prompter, get_prompt_for_member
from groups.cleardown_links import LinkCheck, cleardown_link_check
from groups.models import ClearDownPrompt
from groups.selectors import cleardowns_owed_by
from groups.services.cleardown_confirmations import (
    ClearDownHeld,
    ClearDownNotRecorded,
    cleardown_confirm,
    cleardown_prompt_posted,
    cycle_hold,
)
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page


def _link_status(check: LinkCheck) -> int:
    if check.refusal:
        return 410 if check.expired else 403
    return 200


# Works without signing in: the signed token names the person and the cycle (see
# groups/cleardown_links.py). GET only shows the button: mail scanners follow links, and a
# clear-down must be recorded by the person pressing it.
@sensitive_page
@require_http_methods(["GET", "POST"])
def cleardown_link(request: HttpRequest, cycle_pk: int, user_pk: int, token: str) -> HttpResponse:
    cycle = get_cycle_for_link(cycle_pk, user_pk)
    check = cleardown_link_check(
        cycle=cycle,
        user_id=user_pk,
        token=token,
        now=timezone.now(),
        hold=cycle_hold(cycle) if cycle is not None else None,
    )
    if request.user.is_authenticated and request.user.pk != user_pk and not check.refusal:
        check = LinkCheck(
            refusal="This link was sent to someone else. Only they can confirm with it; "
            "if you cleared the chat too, use the link in your own email."
        )
    if request.method == "POST" and check.prompt is not None:
        try:
            cleardown_confirm(
                prompt=check.prompt,
                by=check.prompt.user,
                via=ClearDownPrompt.Via.EMAIL_LINK,
                ip=client_ip(request),
            )
        except ClearDownHeld as held:
            check = LinkCheck(hold=held.hold)
        except ClearDownNotRecorded as refused:
            check = LinkCheck(refusal=str(refused))
        else:
            return render(
                request, "groups/cleardowns/link.html", {"cycle": cycle, "done": check.prompt}
            )
    return render(
        request,
        "groups/cleardowns/link.html",
        {"cycle": cycle, "check": check},
        status=_link_status(check),
    )


@sensitive_page
@login_required
@require_GET
def cleardowns_owed(request: AuthenticatedRequest) -> HttpResponse:
    owed = cleardowns_owed_by(request.user, timezone.now())
    return render(request, "groups/cleardowns/owed.html", owed)


def _back(request: HttpRequest, group_pk: int) -> HttpResponse:
    if request.POST.get("back") == "owed":
        return redirect("groups:cleardowns_owed")
    return redirect("groups:group", group_pk)


@login_required
@require_POST
def cleardown_confirm_in_portal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    prompt = get_prompt_for_member(request.user, pk)
    try:
        cleardown_confirm(
            prompt=prompt,
            by=request.user,
            via=ClearDownPrompt.Via.PORTAL,
            ip=client_ip(request),
        )
    except ClearDownNotRecorded as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Thank you: you confirmed you cleared the {prompt.cycle.group.name} chat."
        )
    return _back(request, prompt.cycle.group_id)


@login_required
@require_POST
def cleardown_prompt_posted_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_prompter(request.user, pk)
    try:
        cleardown_prompt_posted(cycle=cycle, by=request.user, ip=client_ip(request))
    except ClearDownNotRecorded as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Recorded: you posted the clear-down prompt in {cycle.group}.")
    return _back(request, cycle.group_id)


@login_required
@require_GET
def cleardown_guide(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "groups/cleardowns/guide.html")
