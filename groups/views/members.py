"""Who is in a group: the membership page its admin and deputy manage (the DPO may look), adding
and removing members, people from outside the organisation, a member's acknowledgement of the
rules, and the DPO naming a new admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from groups.access import (
    OWN_GROUP,
    get_external_member_for_admin,
    get_group_for_admin,
    get_group_for_dpo,
    get_group_for_members_page,
    get_group_for_user,
    get_membership_for_admin,
    is_dpo,
    may_decide_on,
    own_membership,
    runs,
)
from groups.forms.members import (
    AdminChangeForm,
    DeputyChangeForm,
    ExternalMemberForm,
    MemberRemoveForm,
    MembersAddForm,
    RulesAcknowledgeForm,
)
from groups.models import ChatGroup
from groups.selectors import current_externals
from groups.services.leavers import chat_group_admin_change, chat_group_deputy_change
from groups.services.membership import (
    MANAGED_HERE,
    external_member_add,
    external_member_remove,
    membership_acknowledge_rules,
    membership_add,
    membership_confirm_chat_removal,
    membership_remove,
    size_limit,
)
from portal.access import AuthenticatedRequest, client_ip
from portal.lib.sensitive import sensitive_page

# The removed members the page lists, latest first (the audit trail keeps every one).
REMOVED_SHOWN = 100


def _members_page(
    request: AuthenticatedRequest,
    group: ChatGroup,
    *,
    add_form: MembersAddForm | None = None,
    external_form: ExternalMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    memberships = group.memberships.select_related("user", "user__department")
    current = list(memberships.filter(removed_at__isnull=True))
    removed = list(
        memberships.filter(removed_at__isnull=False)
        .select_related("removed_by", "chat_removal_confirmed_by")
        .order_by("-removed_at", "-pk")[:REMOVED_SHOWN]
    )
    externals = list(current_externals(group).order_by("name", "pk"))
    # Like removed staff: the latest only, so a long-lived group's page stays small.
    externals_removed = list(
        group.external_members.filter(removed_at__isnull=False)
        .select_related("removed_by")
        .order_by("-removed_at", "-pk")[:REMOVED_SHOWN]
    )
    return render(
        request,
        "groups/members/members.html",
        {
            "group": group,
            "manages": runs(request.user, group) and group.status in MANAGED_HERE,
            "not_yet_approved": group.status not in MANAGED_HERE
            and group.status != ChatGroup.Status.CLOSED,
            "current": current,
            "names_deputy": group.status in MANAGED_HERE
            and (request.user.pk == group.admin_id or is_dpo(request.user)),
            "removed": removed,
            "removed_more": REMOVED_SHOWN in (len(removed), len(externals_removed)),
            "externals": externals,
            "externals_removed": externals_removed,
            "size": len(current) + len(externals),
            "limit": size_limit(group),
            "add_form": add_form or MembersAddForm(),
            "external_form": external_form or ExternalMemberForm(),
        },
        status=status,
    )


@sensitive_page
@login_required
def members(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _members_page(request, get_group_for_members_page(request.user, pk))


@sensitive_page
@login_required
@require_POST
def members_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    form = MembersAddForm(request.POST)
    if form.is_valid():
        people = form.cleaned_data["people"]
        try:
            membership_add(group=group, users=people, by=request.user, ip=client_ip(request))
        except ValidationError as error:
            form.add_error("people", error)
        else:
            names = ", ".join(person.full_name for person in people)
            messages.success(request, f"Added to the group: {names}.")
            return redirect("groups:members", pk=group.pk)
    return _members_page(request, group, add_form=form, status=400)


@sensitive_page
@login_required
def member_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_admin(request.user, pk)
    form = MemberRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_remove(
                membership=membership,
                by=request.user,
                reason=form.cleaned_data["reason"],
                chat_removed=form.cleaned_data["chat_removed"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{membership.user.full_name} is no longer in the group.")
            return redirect("groups:members", pk=membership.group_id)
    return render(
        request,
        "groups/members/remove.html",
        {"membership": membership, "group": membership.group, "form": form},
        status=400 if form.errors else 200,
    )


@sensitive_page
@login_required
@require_POST
def member_chat_removed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_admin(request.user, pk)
    try:
        membership_confirm_chat_removal(
            membership=membership, by=request.user, ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Recorded: {membership.user.full_name} is out of the chat itself."
        )
    return redirect("groups:members", pk=membership.group_id)


@sensitive_page
@login_required
@require_POST
def external_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_admin(request.user, pk)
    form = ExternalMemberForm(request.POST)
    if form.is_valid():
        try:
            external = external_member_add(
                group=group, by=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{external.name} is named as a member of the group.")
            return redirect("groups:members", pk=group.pk)
    return _members_page(request, group, external_form=form, status=400)


@sensitive_page
@login_required
@require_POST
def external_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    external = get_external_member_for_admin(request.user, pk)
    try:
        external_member_remove(external=external, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{external.name} is no longer named as a member.")
    return redirect("groups:members", pk=external.group_id)


@login_required
def rules(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The group's purpose and rules, for anyone who may see the group; a member acknowledges
    them here, once."""
    group = get_group_for_user(request.user, pk)
    membership = own_membership(request.user, group)
    form = RulesAcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if membership is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                membership_acknowledge_rules(
                    membership=membership, by=request.user, ip=client_ip(request)
                )
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
                return redirect("groups:rules", pk=group.pk)
            messages.success(request, "Thank you: you have acknowledged the group's rules.")
            return redirect("groups:group", pk=group.pk)
    return render(
        request,
        "groups/members/rules.html",
        {"group": group, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@sensitive_page
@login_required
def admin_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The DPO names a group's new admin."""
    group = get_group_for_dpo(request.user, pk)
    form = AdminChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = chat_group_admin_change(
                group=group,
                new_admin=form.cleaned_data["new_admin"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None if error.messages == [OWN_GROUP] else "new_admin", error)
        else:
            messages.success(request, f"{group.admin.full_name} is now the group's admin.")
            return redirect("groups:group", pk=group.pk)
    return render(
        request,
        "groups/members/admin_change.html",
        {
            "group": group,
            "form": form,
            "is_dpo": is_dpo(request.user),
            "own": not may_decide_on(request.user, group),
            "own_message": OWN_GROUP,
        },
        status=400 if form.errors else 200,
    )


@sensitive_page
@login_required
def deputy_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The group's admin, or the DPO, names its deputy admin."""
    group = get_group_for_members_page(request.user, pk)
    if request.user.pk != group.admin_id and not is_dpo(request.user):
        raise PermissionDenied
    form = DeputyChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = chat_group_deputy_change(
                group=group,
                new_deputy=form.cleaned_data["new_deputy"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None if error.messages == [OWN_GROUP] else "new_deputy", error)
        else:
            named = form.cleaned_data["new_deputy"]
            messages.success(request, f"{named.full_name} is now the group's deputy.")
            return redirect("groups:members", pk=group.pk)
    return render(
        request,
        "groups/members/deputy_change.html",
        {
            "group": group,
            "form": form,
            "own": request.user.pk != group.admin_id and not may_decide_on(request.user, group),
            "own_message": OWN_GROUP,
        },
        status=400 if form.errors else 200,
    )
