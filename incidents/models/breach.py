"""The DPO's side of an incident: whether it is a personal data breach, the 72-hour clock, the
risk to people, the decision on telling the ICO and the people affected, what was reported to
the ICO and when, the actions to contain it, and what was learned.

The reporter never sees any of this (it is the DPO's internal assessment). Every breach is on
the register whether or not it was notified (UK GDPR Article 33(5); DPA 2018 section 67(6)).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from incidents.kinds import Answer
from incidents.models.incident import Incident

_USER = settings.AUTH_USER_MODEL


class Regime(models.TextChoices):
    UK_GDPR = "uk_gdpr", "UK GDPR (Articles 33 and 34)"
    DPA_PART_3 = "dpa_part_3", "Data Protection Act 2018 Part 3 (sections 67 and 68)"


class Likelihood(models.TextChoices):
    REMOTE = "remote", "Remote"
    POSSIBLE = "possible", "Possible"
    PROBABLE = "probable", "Probable"


class Severity(models.TextChoices):
    MINIMAL = "minimal", "Minimal"
    SIGNIFICANT = "significant", "Significant"
    SEVERE = "severe", "Severe"


class Risk(models.TextChoices):
    NONE = "none", "No risk to people (record only)"
    RISK = "risk", "A risk to people (tell the ICO)"
    HIGH = "high", "A high risk to people (tell the ICO and the people affected)"


class ConsequenceLikelihood(models.TextChoices):
    """The ICO form's scale for how likely people are to suffer significant consequences."""

    VERY_LIKELY = "very_likely", "Very likely"
    LIKELY = "likely", "Likely"
    NEUTRAL = "neutral", "Neutral"
    UNLIKELY = "unlikely", "Unlikely"
    VERY_UNLIKELY = "very_unlikely", "Very unlikely"


class DataCategory(models.TextChoices):
    SPECIAL = "special", "Special category data"
    IDENTIFIERS = "identifiers", "Basic personal identifiers"
    CREDENTIALS = "credentials", "Usernames and passwords"
    FINANCIAL = "financial", "Financial data"
    DOCUMENTS = "documents", "Official documents"
    LOCATION = "location", "Location data"
    BIOMETRIC = "biometric", "Genetic or biometric data"
    CRIMINAL = "criminal", "Criminal convictions and offences"
    NOT_KNOWN = "not_known", "Not yet known"
    OTHER = "other", "Other"


class PeopleCategory(models.TextChoices):
    EMPLOYEES = "employees", "Employees"
    USERS = "users", "Users"
    SUBSCRIBERS = "subscribers", "Subscribers"
    STUDENTS = "students", "Students"
    CUSTOMERS = "customers", "Customers or prospective customers"
    PATIENTS = "patients", "Patients"
    CHILDREN = "children", "Children"
    VULNERABLE = "vulnerable", "Vulnerable adults"
    OTHER = "other", "Other"


class Effect(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality"
    INTEGRITY = "integrity", "Integrity"
    AVAILABILITY = "availability", "Availability"


class Assessment(models.Model):
    """The DPO's triage of one incident, started when the DPO first records anything on it.
    `ico_deadline_at` is the instant the clock runs out: awareness plus the organisation's
    hours, stored (not recomputed) so a later change of the setting does not move a deadline."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="assessment")
    # Undecided (None) until the DPO says.
    is_breach = models.BooleanField("a personal data breach", null=True, blank=True)
    not_breach_reasons = models.TextField(blank=True)
    regime = models.CharField(max_length=20, choices=Regime, blank=True)
    aware_at = models.DateTimeField("when the organisation became aware", null=True, blank=True)
    ico_deadline_at = models.DateTimeField(null=True, blank=True)

    likelihood = models.CharField(max_length=20, choices=Likelihood, blank=True)
    severity = models.CharField(max_length=20, choices=Severity, blank=True)
    risk = models.CharField(max_length=10, choices=Risk, blank=True)
    risk_reasons = models.TextField(blank=True)

    # The decision on telling the ICO: None until made.
    notify_ico = models.BooleanField(null=True, blank=True)
    notify_reasons = models.TextField(blank=True)
    notify_decided_at = models.DateTimeField(null=True, blank=True)
    notify_decided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The ICO's case reference and when the first report was made (from the IcoReport rows).
    ico_reference = models.CharField("ICO case reference", max_length=60, blank=True)
    ico_notified_at = models.DateTimeField(null=True, blank=True)
    late_reasons = models.TextField("reasons for reporting after the deadline", blank=True)

    # Telling the people affected (Article 34 / section 68).
    subjects_told = models.BooleanField(null=True, blank=True)
    subjects_told_at = models.DateTimeField(null=True, blank=True)
    subjects_told_how = models.TextField(blank=True)
    subjects_not_told_reasons = models.TextField(blank=True)

    # What the ICO's report form asks besides (../shared/REFERENCE.md).
    # Who at the ICO has already been spoken to about it (blank: not recorded yet).
    ico_staff_contacted = models.TextField("ICO staff already contacted", blank=True)
    cyber_incident = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    how_found_out = models.TextField(blank=True)
    data_categories = models.JSONField(default=list, blank=True)  # DataCategory values
    data_categories_other = models.CharField(max_length=200, blank=True)
    records_count = models.PositiveIntegerField(null=True, blank=True)
    people_count = models.PositiveIntegerField(null=True, blank=True)
    people_categories = models.JSONField(default=list, blank=True)  # PeopleCategory values
    people_categories_other = models.CharField(max_length=200, blank=True)
    consequences = models.TextField(blank=True)
    consequence_likelihood = models.CharField(
        max_length=20, choices=ConsequenceLikelihood, blank=True
    )
    effects = models.JSONField(default=list, blank=True)  # Effect values (cyber incidents)
    impact_on_organisation = models.TextField(blank=True)
    recovery_time = models.CharField(max_length=200, blank=True)
    staff_trained = models.CharField(
        "the person involved had data protection training in the last two years",
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    measures_before = models.TextField("measures in place before the breach", blank=True)
    containment_summary = models.TextField("actions taken to contain it", blank=True)
    others_told = models.TextField("other organisations told", blank=True)
    lessons_learned = models.TextField(blank=True)

    started_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(aware_at__isnull=True, ico_deadline_at__isnull=True)
                | Q(aware_at__isnull=False, ico_deadline_at__isnull=False),
                name="assessment_deadline_from_awareness",
            ),
            models.CheckConstraint(
                condition=Q(notify_ico__isnull=True) | Q(notify_decided_at__isnull=False),
                name="assessment_notify_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(is_breach=False) | Q(not_breach_reasons=""),
                name="assessment_reasons_only_when_not_breach",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ico_deadline_at"],
                name="assessment_clock_running",
                condition=Q(is_breach=True, ico_notified_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Assessment of incident {self.incident_id}"


class IcoReport(models.Model):
    """One report to the ICO: the initial report, then any follow-ups (the ICO takes a breach
    in stages), each dated."""

    class Stage(models.TextChoices):
        INITIAL = "initial", "Initial report"
        FOLLOW_UP = "follow_up", "Follow-up"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="ico_reports")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    sent_at = models.DateTimeField("when it was sent to the ICO")
    ico_reference = models.CharField("ICO case reference", max_length=60, blank=True)
    summary = models.TextField("what was reported")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(stage="initial"), name="ico_one_initial_report"
            )
        ]

    def __str__(self) -> str:
        return self.get_stage_display()


class ContainmentAction(models.Model):
    """An action to contain the breach or recover from it, with its owner and due instant
    (the end of the due day, UK time); its owner is reminded when it falls due."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="incident_actions")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="action_done_says_by_whom",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="action_open_by_due", condition=Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]
