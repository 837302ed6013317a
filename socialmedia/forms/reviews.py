"""The owner's review of a running account. It only validates; account_review decides."""

from django import forms

from socialmedia.services.reviews import NOTES_REQUIRED


class ReviewForm(forms.Form):
    accurate = forms.BooleanField(
        label="The account is accurate and up to date: nothing out of date is left on it, and "
        "new content goes out regularly",
        required=False,
    )
    links_back = forms.BooleanField(
        label="Its profile links back to the organisation's main website", required=False
    )
    team_right = forms.BooleanField(
        label="The team listed here is everyone who can sign in to it", required=False
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you leave a box unticked: say what you will do about it.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        confirmed = all(data.get(name) for name in ("accurate", "links_back", "team_right"))
        if not confirmed and not (data.get("notes") or "").strip():
            self.add_error("notes", NOTES_REQUIRED)
        return data
