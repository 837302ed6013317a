"""The organisation settings form: it validates (the logo by its content); the view calls the
service."""

from django import forms

from portal.models import OrganisationSettings
from portal.services.organisation import EDITABLE_FIELDS
from portal.uploads import generated_name, validate_image_upload


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = OrganisationSettings
        fields = list(EDITABLE_FIELDS)
        labels = {"short_name": "Short name", "name": "Full name of the organisation"}
        help_texts = {
            "short_name": "Shown in the page header and email subjects, such as 'Northshire OPCC'.",
            "logo": "A PNG or JPEG image of at most 2 MB.",
            "clear_down_interval_days": "How often chat group members clear their chats.",
            "chat_group_review_months": "How often each chat group's admin confirms its purpose "
            "and members still hold.",
            "chat_group_size_limit": "A group with more members than this needs the data "
            "protection officer's explicit approval of its size.",
            "ico_deadline_hours": "Time allowed to tell the ICO about a reportable breach.",
            "incident_triage_reminder_hours": "The data protection officer and deputy are "
            "reminded of an incident nobody has assessed after this many hours.",
            "ico_alert_hours": "When the data protection officer and deputy are alerted before "
            "the ICO deadline, in hours left, separated by commas: '24,6'.",
            "social_review_months": "How often each social media account's owner confirms it "
            "is accurate, links back to the website and has the right team.",
            "social_rotation_reminder_days": "How often the Chief Executive and an account's "
            "owner are reminded of a password that must be changed, until it is.",
            "max_extension_days": "The furthest ahead, from today, a policy administrator can "
            "move one person's declaration due date. At most 3650 (ten years).",
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            try:
                kind = validate_image_upload(logo)
            except forms.ValidationError as error:
                # A browser cannot keep a chosen file when a form comes back: say so.
                raise forms.ValidationError(
                    [*error.messages, "Your other changes are kept below; choose the logo again."]
                ) from None
            logo.name = generated_name(kind)
        return logo
