from django import forms
from django.template.defaultfilters import filesizeformat

from staffimport.parsing import MAX_FILE_BYTES, StaffFileError, check_file


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label="HR file (CSV)",
        help_text=f"A CSV file saved as UTF-8, up to {filesizeformat(MAX_FILE_BYTES)}.",
        error_messages={"empty": "The file is empty.", "required": "Choose the file to import."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    deactivate_missing = forms.BooleanField(
        required=False,
        label="Deactivate people missing from this file",
        help_text="Only if the file is the whole staff list: everyone active in the portal with "
        "a staff number who is not in the file will be deactivated. You will see who first.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            header, self.rows = check_file(upload, size=upload.size)
        except StaffFileError as exc:
            raise forms.ValidationError(exc.messages) from None
        self.ignored = header.ignored
        return upload


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
