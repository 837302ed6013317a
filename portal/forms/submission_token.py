"""A form's one-time token, so that a form sent twice (a double click, the browser sending it
again after a slow answer) makes one record, not two.

The form carries a fresh token; the service stores it on the record it makes, unique per person,
and a second send with the same token returns the first record:

    class ReportForm(forms.Form):
        submission_token = SubmissionTokenField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound:
                self.initial.setdefault("submission_token", uuid4())
"""

from django import forms


class SubmissionTokenField(forms.UUIDField):
    """The token, hidden. One that is not a token (a page from an older version, or tampered
    with) counts as none: the record is still made, once for that send."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None
