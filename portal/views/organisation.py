from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.access import AuthenticatedRequest, access_required, can_manage_organisation, client_ip
from portal.forms.organisation import OrganisationSettingsForm
from portal.forms.retention import RetentionPeriodsForm
from portal.models import OrganisationSettings
from portal.registry import registry
from portal.services.organisation import organisation_settings_update
from portal.services.retention import retention_periods_update
from portal.uploads import CONTENT_TYPES, EXTENSIONS, sniff


@access_required(can_manage_organisation)
def organisation_settings(request: AuthenticatedRequest) -> HttpResponse:
    current = OrganisationSettings.load()
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            organisation_settings_update(
                values={name: form.cleaned_data[name] for name in form.changed_data},
                by=request.user,
                ip=client_ip(request),
            )
            messages.success(request, "Organisation settings saved.")
            return redirect("portal:organisation_settings")
        messages.error(request, "The settings were not saved. Please correct the errors below.")
    return _settings_page(request, form, RetentionPeriodsForm(org=current))


@access_required(can_manage_organisation)
@require_POST
def retention_periods(request: AuthenticatedRequest) -> HttpResponse:
    current = OrganisationSettings.load()
    form = RetentionPeriodsForm(request.POST, org=current)
    if form.is_valid():
        retention_periods_update(months=form.months(), by=request.user, ip=client_ip(request))
        messages.success(request, "Retention periods saved.")
        return redirect("portal:organisation_settings")
    messages.error(request, "The retention periods were not saved. Please correct the errors.")
    return _settings_page(request, OrganisationSettingsForm(instance=current), form)


def _settings_page(
    request: AuthenticatedRequest, form: OrganisationSettingsForm, retention: RetentionPeriodsForm
) -> HttpResponse:
    kept = [rule for rule in registry.retention_rules() if not rule.disposes]
    return render(
        request,
        "portal/organisation_settings.html",
        {"form": form, "retention_form": retention, "kept": kept},
    )


@require_GET
def organisation_logo(request: HttpRequest) -> FileResponse:
    """The logo, for the page header (also on the sign-in page, so not behind login). It is
    stored outside the web root; its type is read from the file, never from its name."""
    logo = OrganisationSettings.load().logo
    if not logo:
        raise Http404("No logo has been uploaded.")
    try:
        handle = logo.open("rb")
    except FileNotFoundError:
        raise Http404("The logo file is missing.") from None
    kind = sniff(handle)
    if kind not in ("png", "jpeg"):
        handle.close()
        raise Http404("The stored logo is not an image.")
    # Shown in pages, so inline; named for what it holds, not the made-up name it is kept under.
    response = FileResponse(
        handle, content_type=CONTENT_TYPES[kind], filename=f"logo.{EXTENSIONS[kind]}"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
