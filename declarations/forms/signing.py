"""What a person fills in to sign: the signature with its "I have read" ticks, and the answers
to the questions before it."""

from django import forms

from declarations.services.signing import not_ticked_message


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=200,
        help_text="As it appears on your account. Capital letters do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Type your full name to sign."},
    )
    password = forms.CharField(
        label="Enter your password",
        help_text="The password you use to sign in to this portal.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign."},
    )

    def __init__(self, *args, password: bool = True, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not password:
            # They proved who they are at the identity provider instead (portal.reauth).
            del self.fields["password"]
        # One "I have read" tick per policy version, shown beneath its text on the page.
        self.read_fields = []
        for version in versions:
            name = f"read_{version.pk}"
            title = f"{version.policy.title}, version {version.label}"
            self.fields[name] = forms.BooleanField(
                label=f"I have read {title}",
                error_messages={"required": not_ticked_message(title)},
            )
            self.read_fields.append((version.pk, name))

    def read_version_ids(self) -> list[int]:
        return [pk for pk, name in self.read_fields if self.cleaned_data.get(name)]

    def tick_field(self, version_pk: int) -> forms.BoundField:
        return self[f"read_{version_pk}"]


class CheckAnswersForm(forms.Form):
    """The comprehension check: one set of radio buttons per question."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question_fields = []
        for number, question in enumerate(questions, start=1):
            name = f"q_{question.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer to question {number}."},
            )
            self.question_fields.append((question.pk, name))

    def answers(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.question_fields}
