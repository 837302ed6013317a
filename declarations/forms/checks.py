"""The questions a campaign asks before signing, as a policy administrator sets them."""

from django import forms

MAX_CHOICE_FIELDS = 6


class CheckQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question."},
    )
    correct = forms.TypedChoiceField(
        label="Which answer is right",
        choices=[(i, f"Answer {i + 1}") for i in range(MAX_CHOICE_FIELDS)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which answer is right."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_CHOICE_FIELDS):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=f"Answer {i + 1}",
                max_length=300,
                required=i < 2,
                help_text="Leave empty if not needed." if i >= 2 else "",
                error_messages={"required": f"Enter answer {i + 1}: at least two are needed."},
            )
        # The radio buttons come after the answers they choose from.
        self.order_fields(["text", *(f"choice_{i}" for i in range(MAX_CHOICE_FIELDS)), "correct"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        correct = data.get("correct")
        if correct is not None and not (data.get(f"choice_{correct}") or "").strip():
            self.add_error("correct", f"Answer {correct + 1} is empty: choose a filled-in answer.")
        return data

    def service_fields(self) -> dict:
        # Empty answers are dropped: the right one's index is counted among those kept.
        data = self.cleaned_data
        kept = [i for i in range(MAX_CHOICE_FIELDS) if (data.get(f"choice_{i}") or "").strip()]
        return {
            "text": data["text"],
            "choices": [data[f"choice_{i}"] for i in kept],
            "correct": kept.index(data["correct"]),
        }


class CheckSettingsForm(forms.Form):
    pass_mark = forms.IntegerField(
        label="Pass mark",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the pass mark, for example 80 (per cent) or 4 (answers).",
            "invalid": "Enter the pass mark as a whole number, for example 80.",
            "min_value": "Enter a pass mark of at least 1.",
            "max_value": "Enter a pass mark of at most 100.",
        },
    )
    is_percent = forms.TypedChoiceField(
        label="The pass mark is",
        choices=[("1", "a percentage of the questions"), ("0", "a number of right answers")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the pass mark is a percentage or a number."},
    )
    attempts = forms.IntegerField(
        label="Attempts each person has",
        min_value=1,
        max_value=10,
        help_text="A policy administrator can allow one person more later.",
        error_messages={
            "required": "Enter how many attempts each person has, for example 3.",
            "invalid": "Enter the attempts as a whole number, for example 3.",
            "min_value": "Allow at least 1 attempt.",
            "max_value": "Allow at most 10 attempts.",
        },
    )
