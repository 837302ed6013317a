"""The People pages, for the system administrator: find a person, see their record, give and
take away roles, deactivate and reactivate them, and lift a sign-in lock-out. Each change is a
service call that writes the audit trail; the Django admin stays for emergencies only."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.access import (
    AuthenticatedRequest,
    access_required,
    can_manage_people,
    can_read_audit,
    client_ip,
    get_person_for_admin,
)
from portal.forms.people import ReasonForm, RoleGrantForm, SearchForm
from portal.lib.keyset import CURSOR_PARAMETER, keyset_page
from portal.lib.sensitive import sensitive_page
from portal.models import User, UserSession
from portal.registry import registry
from portal.roles import Role
from portal.selectors import second_factor_status, sign_in_lock_for
from portal.services.accounts import user_sign_in_unlock
from portal.services.second_factor import SecondFactorRefused, second_factor_reset
from portal.services.sessions import user_sessions_end
from portal.services.users import (
    RoleChangeRefused,
    user_deactivate,
    user_reactivate,
    user_role_grant,
    user_role_remove,
)

PAGE_SIZE = 50


def _role_from_url(key: str) -> Role:
    try:
        return Role[key.upper()]
    except KeyError:
        raise Http404("No such role.") from None


def _person_url(person: User) -> str:
    return reverse("portal:person", args=[person.pk])


@access_required(can_manage_people, sensitive=True)
def people_list(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    people = User.objects.select_related("department").prefetch_related("groups")
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        people = people.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(staff_number__iexact=query)
        )
    # By name, a page at a time from where the reader is (an index on (full_name, id)), so
    # no page counts or skips the whole directory.
    page = keyset_page(
        people,
        ordering=("full_name", "pk"),
        cursor=request.GET.get(CURSOR_PARAMETER),
        size=PAGE_SIZE,
        name="people",
    )
    return render(
        request,
        "portal/people/list.html",
        {
            "form": form,
            "page": page,
            "searched": query,
            # Kept on the First / Previous / Next links (see _keyset_pagination.html).
            "query": urlencode({"q": query}) if query else "",
        },
    )


@sensitive_page
@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    held = _held(person)
    return render(
        request,
        "portal/people/detail.html",
        {
            "person": person,
            "roles": [role for role in Role if role.value in held],
            "can_grant": person.is_active and len(held) < len(Role),
            "lock": sign_in_lock_for(person),
            "second_factor": second_factor_status(person),
            "cooloff": settings.AXES_COOLOFF_TIME,
            "reports": person.reports.filter(is_active=True).count(),
            "sessions": UserSession.objects.filter(user=person).active().count(),
            # Each app's part of a person's record (their declarations, chat groups they run…),
            # registered with the portal (portal.registry.PersonSection).
            "sections": registry.build(registry.person_sections, request, person),
            # The audit trail filtered to this person's account, for those who may read it.
            "history_url": (
                f"{reverse('portal:audit')}?object_type={User._meta.label_lower}"
                f"&object_id={person.pk}"
                if can_read_audit(request.user)
                else ""
            ),
        },
    )


def _held(person: User) -> frozenset[str]:
    # Not role_names: that is empty for deactivated people, and their page still shows the
    # roles they hold (they come back into force if the person is reactivated).
    return frozenset(person.groups.values_list("name", flat=True))


@sensitive_page
@login_required
def person_role_grant(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    form = RoleGrantForm(request.POST or None, held=_held(person))
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        try:
            user_role_grant(
                user=person,
                role=role,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except RoleChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{person.full_name} now has the role {role.value}.")
            return redirect(_person_url(person))
    return render(
        request,
        "portal/people/role_grant.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )


def _confirm(
    request: HttpRequest,
    person: User,
    form: ReasonForm,
    *,
    title: str,
    explanation: str,
    button: str,
    danger: bool = True,
) -> HttpResponse:
    return render(
        request,
        "portal/people/confirm.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "explanation": explanation,
            "button": button,
            "danger": danger,
        },
        status=400 if form.errors else 200,
    )


@sensitive_page
@login_required
def person_role_remove(request: AuthenticatedRequest, pk: int, role: str) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    chosen = _role_from_url(role)
    if chosen.value not in _held(person):
        messages.info(request, f"{person.full_name} does not have the role {chosen.value}.")
        return redirect(_person_url(person))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_role_remove(
                user=person,
                role=chosen,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except RoleChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{person.full_name} no longer has the role {chosen.value}.")
            return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Take away the role {chosen.value}",
        explanation=f"{person.full_name} will no longer be able to do what the role "
        f"{chosen.value} allows, from their next page.",
        button="Take the role away",
    )


@sensitive_page
@login_required
def person_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if not person.is_active:
        messages.info(request, f"{person.full_name} is already deactivated.")
        return redirect(_person_url(person))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if person.pk == request.user.pk:
            # Deactivating oneself ends one's own session mid-task; another administrator can.
            form.add_error(None, "You cannot deactivate yourself. Ask another administrator.")
        else:
            user_deactivate(
                user=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
            messages.success(request, f"{person.full_name} has been deactivated.")
            return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Deactivate {person.full_name}",
        explanation=f"{person.full_name} will no longer be able to sign in, and is signed out "
        "everywhere at once. Their records stay. Use this when someone leaves, or their account "
        "must be stopped now; they can be reactivated later.",
        button="Deactivate",
    )


@sensitive_page
@login_required
def person_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if person.is_active:
        messages.info(request, f"{person.full_name} is already active.")
        return redirect(_person_url(person))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_reactivate(
            user=person, by=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
        messages.success(request, f"{person.full_name} has been reactivated.")
        return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Reactivate {person.full_name}",
        explanation=f"{person.full_name} will be able to sign in again, with the roles they "
        "held before. Their leave date is cleared. Use this when someone was deactivated by "
        "mistake.",
        button="Reactivate",
        danger=False,
    )


@sensitive_page
@login_required
def person_unlock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    paused = second_factor_status(person).paused_until is not None
    if request.method != "POST" and not (sign_in_lock_for(person).is_locked or paused):
        messages.info(request, f"{person.full_name} is not locked out: nothing to do.")
        return redirect(_person_url(person))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unlocked = user_sign_in_unlock(
            user=person, by=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
        if unlocked:
            messages.success(request, f"{person.full_name} can sign in again now.")
        else:
            messages.info(request, f"{person.full_name} was not locked out: nothing to do.")
        return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Let {person.full_name} sign in again",
        explanation=f"{person.full_name} is paused from signing in after too many wrong "
        "passwords. Lift the pause only once you are sure the attempts were theirs (for "
        "example, they rang the helpdesk): otherwise someone may be guessing their password.",
        button="Let them sign in again",
        danger=False,
    )


@sensitive_page
@login_required
def person_sessions_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if person.pk == request.user.pk:
        # The reason an administrator gives is for someone else's account; one's own sessions
        # are on one's own page, which can keep the session in use.
        messages.info(request, "Your own sessions are on this page.")
        return redirect("sessions")
    if request.method != "POST" and not UserSession.objects.filter(user=person).active().exists():
        messages.info(request, f"{person.full_name} is not signed in anywhere: nothing to do.")
        return redirect(_person_url(person))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = user_sessions_end(
            person, by=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
        if ended:
            messages.success(
                request,
                f"{person.full_name} has been signed out everywhere "
                f"({ended} session{'s' if ended != 1 else ''}).",
            )
        else:
            messages.info(request, f"{person.full_name} was not signed in anywhere: nothing to do.")
        return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Sign {person.full_name} out everywhere",
        explanation=f"Every session of {person.full_name} ends at once, on every browser and "
        "device: they will need to sign in again. Use this when their account may be in "
        "someone else's hands, or a device of theirs is lost. It does not change their "
        "password.",
        button="Sign out everywhere",
    )


@sensitive_page
@login_required
def person_second_factor_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_reset(
                user=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except SecondFactorRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"{person.full_name}'s two-step sign-in is reset and they have been emailed. "
                "They set it up again when they next sign in.",
            )
            return redirect(_person_url(person))
    return _confirm(
        request,
        person,
        form,
        title=f"Reset {person.full_name}'s two-step sign-in",
        explanation=f"Their authenticator app and recovery codes stop working, they are signed "
        f"out everywhere, and they are emailed. Do this only once you are sure it is really "
        f"{person.full_name} asking (for example, you called them back on a number HR holds): "
        "whoever signs in with their password next can set up their own phone.",
        button="Reset two-step sign-in",
    )
