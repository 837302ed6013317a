"""Applying to register a group (any member of staff, who becomes its admin), revising and
sending it again, proposing a change to an approved group, and closing one's own group."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from groups.access import get_group_for_admin, get_group_for_applicant
from groups.forms.decisions import ReasonForm
from groups.forms.registration import ApplicationForm, ChangeForm, externals_text
from groups.models import ChatGroup, Submission
from groups.selectors import current_externals, under_open_hold
from groups.services.lifecycle import chat_group_close, chat_group_confirm_chat_deleted
from groups.services.registration import (
    Application,
    chat_group_propose_change,
    chat_group_save_draft,
    chat_group_submit,
)
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page


def _application(data: dict) -> Application:
    return Application(
        name=data.get("name") or "",
        platform=data.get("platform") or "",
        platform_other=data.get("platform_other") or "",
        purpose=data.get("purpose") or "",
        audience=data.get("audience") or "",
        will_post=data.get("will_post") or "",
        never_post=data.get("never_post") or "",
        why_not_corporate=data.get("why_not_corporate") or "",
        expected_size=data.get("expected_size"),
        has_external_members=bool(data.get("has_external_members")),
        logo_confirmed=bool(data.get("logo_confirmed")),
        cleardown_weekday=data["cleardown_weekday"],
        cleardown_time=data["cleardown_time"],
        deputy=data.get("deputy"),
        members=data.get("members") or [],
        externals=data.get("external_members") or [],
    )


def _initial(group: ChatGroup) -> dict:
    others = [
        m.user
        for m in group.memberships.current().select_related("user")
        if m.user_id not in (group.admin_id, group.deputy_id)
    ]
    return {
        **{
            name: getattr(group, name)
            for name in (
                "name",
                "platform",
                "platform_other",
                "purpose",
                "audience",
                "will_post",
                "never_post",
                "why_not_corporate",
                "has_external_members",
                "logo_confirmed",
                "cleardown_weekday",
            )
        },
        "expected_size": group.expected_size or None,
        "cleardown_time": f"{group.cleardown_time:%H:%M}",
        "deputy": group.deputy,
        "members": others,
        "external_members": externals_text(current_externals(group)),
    }


def _save(
    request: AuthenticatedRequest, form: ApplicationForm, group: ChatGroup | None, send: bool
):
    service = chat_group_submit if send else chat_group_save_draft
    try:
        saved = service(
            group=group,
            application=_application(form.cleaned_data),
            by=request.user,
            ip=client_ip(request),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if send:
        messages.success(
            request,
            f"“{saved.name}” was sent to the data protection officer. You will hear by email "
            "when they have decided.",
        )
    else:
        messages.success(request, f"Draft of “{saved.name}” saved. Come back to it at any time.")
    return redirect("groups:group", pk=saved.pk)


def _page(request, form: ApplicationForm, group: ChatGroup | None) -> HttpResponse:
    last = (
        group.submissions.filter(kind=Submission.Kind.REGISTRATION)
        .select_related("decided_by")
        .first()
        if group is not None
        else None
    )
    return render(
        request,
        "groups/registration/application_form.html",
        {"form": form, "group": group, "last": last},
    )


# Sensitive: the form names colleagues.
@sensitive_page
@login_required
def application_new(request: AuthenticatedRequest, send: bool = False) -> HttpResponse:
    form = ApplicationForm(request.POST or None, applicant=request.user, send=send)
    if request.method == "POST" and form.is_valid():
        answer = _save(request, form, None, send)
        if answer is not None:
            return answer
    return _page(request, form, None)


@sensitive_page
@login_required
def application_edit(request: AuthenticatedRequest, pk: int, send: bool = False) -> HttpResponse:
    group = get_group_for_applicant(request.user, pk)
    if not group.is_editable:
        messages.info(request, "This application is with the data protection officer or decided.")
        return redirect("groups:group", pk=group.pk)
    form = ApplicationForm(
        request.POST or None, initial=_initial(group), applicant=request.user, send=send
    )
    if request.method == "POST" and form.is_valid():
        answer = _save(request, form, group, send)
        if answer is not None:
            return answer
    return _page(request, form, group)


@sensitive_page
@login_required
def change_propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    form = ChangeForm(
        request.POST or None,
        group=group,
        initial={
            "name": group.name,
            "platform": group.platform,
            "platform_other": group.platform_other,
            "purpose": group.purpose,
            "expected_size": group.expected_size or None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            chat_group_propose_change(
                group=group, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The change was sent to the data protection officer. The group stays as it is "
                "until they approve it.",
            )
            return redirect("groups:group", pk=group.pk)
    return render(request, "groups/registration/change_form.html", {"form": form, "group": group})


@sensitive_page
@login_required
def admin_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = chat_group_close(
                group=group,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if under_open_hold(closed):
                messages.warning(
                    request,
                    f"“{group.name}” is closed. It is under a hold: do not delete the chat until "
                    "the data protection officer releases the hold.",
                )
            else:
                messages.success(
                    request,
                    f"“{group.name}” is closed. Now delete the chat in the app, then confirm it "
                    "here.",
                )
            return redirect("groups:group", pk=group.pk)
    return render(
        request,
        "groups/registration/status_form.html",
        {"form": form, "group": group, "action": "close", "url_name": "groups:close"},
    )


@require_POST
@login_required
def chat_deleted(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    try:
        chat_group_confirm_chat_deleted(group=group, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: the record shows the chat was deleted.")
    return redirect("groups:group", pk=group.pk)
