from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.access import role_required
from portal.models import OrganisationSettings
from portal.roles import Role
from portal.services.organisation import organisation_settings_update
from portal.uploads import validate_image_upload


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = OrganisationSettings
        fields = [
            "name",
            "short_name",
            "logo",
            "website_url",
            "helpdesk_phone",
            "helpdesk_email",
            "out_of_hours_phone",
            "dpo_name",
            "dpo_email",
            "dpo_phone",
            "chief_executive_name",
            "chief_executive_email",
            "clear_down_interval_days",
            "ico_deadline_hours",
        ]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            validate_image_upload(logo)
        return logo


@role_required(Role.SYSADMIN)
def organisation_settings(request: HttpRequest) -> HttpResponse:
    current = OrganisationSettings.load()
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST" and form.is_valid():
        organisation_settings_update(form=form, by=request.user, request=request)
        messages.success(request, "Organisation settings saved.")
        return redirect("portal:organisation_settings")
    return render(request, "portal/organisation_settings.html", {"form": form})


def organisation_logo(request: HttpRequest) -> HttpResponse:
    """The logo, for the page header (also on the sign-in page, so not behind login)."""
    logo = OrganisationSettings.load().logo
    if not logo:
        raise Http404("No logo has been uploaded.")
    return FileResponse(logo.open("rb"), content_type=_logo_type(logo.name))


def _logo_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"
