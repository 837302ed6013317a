"""The DPO's forms on an incident: triage, the ICO decision, a report to the ICO, telling the
people affected, the rest of the ICO form's details, actions, and closing. They only validate
what can be checked from the input; the services in incidents/services/triage.py and
actions.py decide."""

from django import forms
from django.utils import timezone

from incidents.kinds import Answer
from incidents.models import (
    Assessment,
    ConsequenceLikelihood,
    DataCategory,
    Effect,
    Incident,
    Likelihood,
    PeopleCategory,
    Regime,
    Risk,
    Severity,
)
from incidents.services.triage import (
    DETAIL_FIELDS,
    awareness_default,
    report_is_late,
    version_of,
)
from incidents.triage_rules import regime_explained, suggested_risk
from portal.forms.people_fields import PersonField
from portal.forms.uk_datetime import UKDateTimeField
from portal.models import OrganisationSettings

_REAL_DAY = "Enter a real date, for example 3 March 2026."
_YES, _NO, _UNDECIDED = "yes", "no", "undecided"
_BIGGEST = 2_147_483_647  # the largest count the database keeps


def _when(label: str, *, required: bool = True, help_text: str = "UK time.") -> UKDateTimeField:
    # The shared field: a time in the hour the clocks change is taken or refused in plain words.
    return UKDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}."},
    )


def _text(label: str, *, required: bool = False, rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=kwargs.pop("max_length", 8000),
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def _radio(label: str, choices, *, required: bool = False, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": kwargs.pop("required_message", "Choose one."),
            "invalid_choice": "Choose one of the options given.",
        },
        **kwargs,
    )


def _ticks(label: str, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the options given."},
        **kwargs,
    )


def _not_in_future(form: forms.Form, field: str, what: str) -> None:
    at = form.cleaned_data.get(field)
    if at is not None and at > timezone.now():
        form.add_error(field, f"{what} cannot be in the future.")


def _yes_no(value: bool | None) -> str:
    return {True: _YES, False: _NO}.get(value, "")  # type: ignore[arg-type]


def _version_field() -> forms.CharField:
    """When the assessment last changed, as the form was shown: the service refuses the
    form if it has changed since (someone else saved meanwhile)."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class TriageForm(forms.Form):
    version = _version_field()
    is_breach = _radio(
        "Is it a personal data breach?",
        [
            (
                _YES,
                "Yes: personal data was lost, destroyed, changed, disclosed or accessed "
                "without authority",
            ),
            (_NO, "No"),
            (_UNDECIDED, "Not decided yet"),
        ],
        required=True,
        required_message="Say whether it is a personal data breach, or that it is not decided yet.",
    )
    not_breach_reasons = _text(
        "Why is it not a personal data breach?",
        help_text="Only if it is not one. For example: the phone was encrypted and locked, "
        "and was wiped before anyone could use it.",
    )
    regime = _radio("Which law does it fall under?", Regime.choices)  # explained in __init__
    aware_at = _when(
        "When the organisation became aware",
        required=False,
        help_text="UK time. This starts the ICO clock. It is when there was reasonable "
        "certainty a breach had happened; it starts as the time the report arrived.",
    )
    likelihood = _radio("How likely is it that people will be harmed?", Likelihood.choices)
    severity = _radio("How severe could the harm be?", Severity.choices)
    risk = _radio(
        "The risk to people",
        [("", "As the table suggests"), *Risk.choices],
        help_text="Leave it as the table suggests, or choose otherwise and say why below.",
    )
    risk_reasons = _text(
        "Reasons for the risk",
        help_text="What could happen to the people, and why it is as likely and as severe as "
        "you say.",
    )
    # Only once a report to the ICO is recorded (removed otherwise).
    late_reasons = _text(
        "Reasons the report to the ICO was late (only if it was)",
        help_text="Needed if an earlier time of awareness puts the initial report after the "
        "deadline: the ICO asks why a report is late.",
    )

    def __init__(self, *args, incident: Incident, assessment: Assessment | None, **kwargs):
        self.incident = incident
        aware_at = (assessment and assessment.aware_at) or awareness_default(incident)
        initial: dict[str, object] = {
            "aware_at": timezone.localtime(aware_at),
            "version": version_of(assessment),
        }
        if assessment is not None:
            initial |= {
                "is_breach": _yes_no(assessment.is_breach) or _UNDECIDED,
                "not_breach_reasons": assessment.not_breach_reasons,
                "regime": assessment.regime,
                "likelihood": assessment.likelihood,
                "severity": assessment.severity,
                # A risk that is what the table suggests stays "as the table suggests", so a
                # new likelihood or severity moves it on re-triage.
                "risk": ""
                if assessment.risk == suggested_risk(assessment.likelihood, assessment.severity)
                else assessment.risk,
                "risk_reasons": assessment.risk_reasons,
                "late_reasons": assessment.late_reasons,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        hours = OrganisationSettings.load().ico_deadline_hours
        self.fields["regime"].choices = [  # type: ignore[attr-defined]
            (value, f"{label}. {regime_explained(value, hours)}") for value, label in Regime.choices
        ]
        if assessment is None or assessment.ico_notified_at is None:
            del self.fields["late_reasons"]

    @property
    def breach(self) -> bool | None:
        return {_YES: True, _NO: False}.get(self.cleaned_data.get("is_breach", ""))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _not_in_future(self, "aware_at", "The time of awareness")
        aware_at = data.get("aware_at")
        if aware_at is not None and aware_at < self.incident.happened_at:
            self.add_error(
                "aware_at", "The time of awareness cannot be before the incident happened."
            )
        choice = data.get("is_breach")
        if choice == _NO and not data.get("not_breach_reasons", "").strip():
            self.add_error("not_breach_reasons", "Say why it is not a personal data breach.")
        if choice == _YES:
            needed = {
                "regime": "Choose the law it falls under.",
                "aware_at": "Enter when the organisation became aware of the breach.",
                "likelihood": "Choose how likely it is that people will be harmed.",
                "severity": "Choose how severe the harm could be.",
                "risk_reasons": "Give the reasons for the risk to people.",
            }
            for field, message in needed.items():
                if field in data and not str(data[field] or "").strip():
                    self.add_error(field, message)
        return data


class IcoDecisionForm(forms.Form):
    notify = _radio(
        "Will the ICO be told?",
        [
            (_YES, "Yes: there is a risk to people's rights and freedoms"),
            (_NO, "No: it is unlikely to result in a risk to people"),
        ],
        required=True,
        required_message="Say whether the ICO will be told.",
    )
    reasons = _text(
        "Reasons",
        required=True,
        help_text="Needed either way: a decision not to tell the ICO is kept with its reasons.",
        error_messages={"required": "Give the reasons for the decision."},
    )

    def __init__(self, *args, assessment: Assessment | None, **kwargs):
        if assessment is not None and assessment.notify_ico is not None:
            kwargs.setdefault(
                "initial",
                {"notify": _yes_no(assessment.notify_ico), "reasons": assessment.notify_reasons},
            )
        super().__init__(*args, **kwargs)


class IcoReportForm(forms.Form):
    sent_at = _when("When it was sent to the ICO")
    ico_reference = forms.CharField(
        label="The ICO's case reference",
        max_length=60,
        help_text="The reference the ICO gave, for example IC-123456-A1B2.",
        error_messages={"required": "Enter the ICO's case reference."},
    )
    summary = _text(
        "What was reported",
        required=True,
        rows=2,
        help_text="For example: the initial report through the ICO's online form, or the "
        "follow-up with the number of people affected.",
        error_messages={"required": "Say briefly what was reported."},
    )
    late_reasons = _text(
        "Reasons for the delay (only if sent after the deadline)",
        help_text="The ICO asks why a report is late.",
    )

    def __init__(self, *args, assessment: Assessment, initial_report: bool, **kwargs):
        self.assessment = assessment
        self.initial_report = initial_report
        super().__init__(*args, **kwargs)
        if assessment.late_reasons:
            self.fields["late_reasons"].initial = assessment.late_reasons

    def clean(self):
        super().clean()
        _not_in_future(self, "sent_at", "The time it was sent")
        sent_at = self.cleaned_data.get("sent_at")
        late = (
            sent_at is not None and self.initial_report and report_is_late(self.assessment, sent_at)
        )
        if (
            late
            and "late_reasons" in self.cleaned_data
            and not self.cleaned_data["late_reasons"].strip()
            and not self.assessment.late_reasons
        ):
            self.add_error(
                "late_reasons",
                "The report was sent after the deadline: give the reasons for the delay.",
            )
        return self.cleaned_data


class SubjectsToldForm(forms.Form):
    told = _radio(
        "Were the people affected told?",
        [(_YES, "Yes"), (_NO, "No")],
        required=True,
        required_message="Say whether the people affected were told.",
    )
    told_at = _when("When they were told", required=False)
    how = _text(
        "How they were told",
        rows=2,
        help_text="For example: a letter to each person on 3 March, with a phone number to call.",
    )
    not_told_reasons = _text(
        "Why they were not told",
        help_text="For example: the risk is not high; the data was encrypted; telling each "
        "person would take disproportionate effort, so a public notice was used instead.",
    )

    PART_3_HELP = (
        " For law-enforcement processing (Part 3) you may also hold back or delay telling "
        "them, as far and as long as is necessary and proportionate, to avoid obstructing an "
        "official or legal inquiry, investigation or procedure, or prejudicing the "
        "prevention, detection, investigation or prosecution of crime; to protect public or "
        "national security; or to protect the rights of others (section 68(7)). Say which."
    )

    def __init__(self, *args, assessment: Assessment | None, **kwargs):
        if assessment is not None and assessment.subjects_told is not None:
            kwargs.setdefault(
                "initial",
                {
                    "told": _yes_no(assessment.subjects_told),
                    "told_at": assessment.subjects_told_at
                    and timezone.localtime(assessment.subjects_told_at),
                    "how": assessment.subjects_told_how,
                    "not_told_reasons": assessment.subjects_not_told_reasons,
                },
            )
        super().__init__(*args, **kwargs)
        if assessment is not None and assessment.regime == Regime.DPA_PART_3:
            field = self.fields["not_told_reasons"]
            field.help_text = f"{field.help_text}{self.PART_3_HELP}"

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _not_in_future(self, "told_at", "The time they were told")
        if data.get("told") == _YES:
            if "told_at" in data and data["told_at"] is None:
                self.add_error("told_at", "Enter when the people affected were told.")
            if "how" in data and not data["how"].strip():
                self.add_error("how", "Say how they were told.")
        if data.get("told") == _NO and not data.get("not_told_reasons", "x").strip():
            self.add_error("not_told_reasons", "Say why the people affected were not told.")
        return data


def _count(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=_BIGGEST,
        help_text=help_text,
        error_messages={
            "invalid": "Enter a whole number, for example 120.",
            "min_value": "Enter 0 or more.",
            "max_value": "Enter a smaller number.",
        },
    )


class IcoDetailsForm(forms.Form):
    """The rest of the ICO form, as the assessment keeps it (all optional: the draft marks
    what is still missing)."""

    version = _version_field()
    ico_staff_contacted = _text(
        "ICO staff already contacted",
        rows=2,
        help_text="Who at the ICO you have already spoken to about this breach, and when. "
        "If nobody, say so.",
    )
    cyber_incident = _radio("Was it a cyber incident?", Answer.choices)
    how_found_out = _text("How the organisation found out", rows=2)
    data_categories = _ticks("Kinds of personal data involved", DataCategory.choices)
    data_categories_other = forms.CharField(
        label="Other kinds of personal data", required=False, max_length=200
    )
    records_count = _count("Number of personal data records", "Your best estimate.")
    people_count = _count("Number of people affected", "Your best estimate.")
    people_categories = _ticks("Who the people affected are", PeopleCategory.choices)
    people_categories_other = forms.CharField(
        label="Other people affected", required=False, max_length=200
    )
    consequences = _text("Possible consequences for the people affected")
    consequence_likelihood = _radio(
        "How likely are they to suffer significant consequences?",
        ConsequenceLikelihood.choices,
    )
    effects = _ticks(
        "For a cyber incident: what was affected",
        Effect.choices,
        help_text="Confidentiality: data seen by others. Integrity: data changed. "
        "Availability: data lost or out of reach.",
    )
    impact_on_organisation = _text("For a cyber incident: the impact on the organisation")
    recovery_time = forms.CharField(
        label="For a cyber incident: how long recovery is expected to take",
        required=False,
        max_length=200,
    )
    staff_trained = _radio(
        "Had the member of staff involved had data protection training in the last two years?",
        Answer.choices,
    )
    measures_before = _text("Measures in place before the breach")
    containment_summary = _text(
        "What has been done to contain it and reduce the harm",
        help_text="The actions with owners are listed on the incident as well.",
    )
    others_told = _text(
        "Other organisations told, or to be told",
        rows=2,
        help_text="For example the police, another regulator, or a bank.",
    )
    lessons_learned = _text("Lessons learned")

    def __init__(self, *args, assessment: Assessment | None, **kwargs):
        if assessment is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(assessment, name) for name in DETAIL_FIELDS}
                | {"version": version_of(assessment)},
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for ticks, other, what in (
            ("data_categories", "data_categories_other", "the other kinds of personal data"),
            ("people_categories", "people_categories_other", "who the other people are"),
        ):
            if "other" in data.get(ticks, []) and not data.get(other, "x").strip():
                self.add_error(other, f"You ticked Other: say {what}.")
        return data


class ActionAddForm(forms.Form):
    description = _text(
        "What needs to be done",
        required=True,
        rows=2,
        help_text="The owner is emailed this and the incident's reference only.",
        error_messages={"required": "Say what needs to be done."},
    )
    owner = PersonField(
        label="Who will do it", error_messages={"required": "Enter who will do it."}
    )
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The end of that day, UK time.",
        error_messages={"required": "Enter the date it is due by.", "invalid": _REAL_DAY},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return day


class ActionDoneForm(forms.Form):
    outcome = _text(
        "What was done, and what came of it",
        required=True,
        error_messages={"required": "Say what was done and what came of it."},
    )


class DpoCloseForm(forms.Form):
    lessons_learned = _text(
        "Lessons learned",
        help_text="Needed for a breach: what will change so it does not happen again, or "
        "that nothing needs to.",
    )
    note = _text(
        "Why it can be closed",
        required=True,
        rows=2,
        help_text="For the record. The reporter is told the incident is closed, not this note.",
        error_messages={"required": "Say why the incident can be closed."},
    )

    def __init__(self, *args, assessment: Assessment | None, **kwargs):
        if assessment is not None:
            kwargs.setdefault("initial", {"lessons_learned": assessment.lessons_learned})
        super().__init__(*args, **kwargs)
