"""An incident as reported, where it was routed, and everything done on it: its timeline, the
files attached, the helpdesk's actions and Professional Standards' assessments.

Nothing here is deleted or rewritten: a step on an incident is a new row, so what was known
when can always be read back.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from incidents.kinds import DEVICE_KINDS, HANDLER_ROLES, Answer, DeviceType, Handler, Kind

_USER = settings.AUTH_USER_MODEL


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user) -> "IncidentQuerySet":
        """The incidents a person may open: their own (reported by them or for them), and
        those routed to a role they hold or to them as the line manager."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(reported_by_id=user.pk) | Q(reported_for_id=user.pk) | self.handled_by_q(user)
        )

    def handled_by(self, user) -> "IncidentQuerySet":
        """The incidents this person deals with (not those they only reported)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self.handled_by_q(user))

    @staticmethod
    def handled_by_q(user) -> Q:
        """As incidents.access.handler_roles: nobody handles their own report, except a line
        manager who reported for a member of their team."""
        q = Q(to_manager=True, line_manager_id=user.pk) & ~Q(reported_for_id=user.pk)
        by_role = Q(pk__in=[])
        for handler, field in ROUTE_FIELDS.items():
            roles = HANDLER_ROLES[handler]
            if roles and user.has_role(*roles):
                by_role |= Q(**{field: True})
        return q | by_role & ~Q(reported_by_id=user.pk) & ~Q(reported_for_id=user.pk)


# The routing kept on each incident, one flag per handler.
ROUTE_FIELDS: dict[Handler, str] = {
    Handler.HELPDESK: "to_helpdesk",
    Handler.DPO: "to_dpo",
    Handler.PSD: "to_psd",
    Handler.LINE_MANAGER: "to_manager",
    Handler.CHIEF_EXECUTIVE: "to_chief_executive",
}


class Incident(models.Model):
    """One report: what the person told us, and where it went."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_HAND = "in_hand", "Being dealt with"
        CLOSED = "closed", "Closed"

    # INC-2026-0042: the year it was reported (UK time) and its number in that year.
    reference = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)

    # Who filled in the form, and the colleague it happened to when someone reported for them
    # (a manager for a member of their team). Both see the report as theirs.
    reported_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="incidents")
    reported_for = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_reported_for_them",
    )
    reported_at = models.DateTimeField(default=timezone.now)

    happened_at = models.DateTimeField("when it happened")
    discovered_at = models.DateTimeField("when it was discovered")
    description = models.TextField("what happened")
    # Devices (seed 004 paragraphs 56-59).
    device_type = models.CharField(max_length=20, choices=DeviceType.choices, blank=True)
    asset_tag = models.CharField(max_length=60, blank=True)
    encrypted = models.CharField(
        "the device was encrypted", max_length=10, choices=Answer.choices, blank=True
    )
    locked = models.CharField(
        "the device was locked with a PIN or password",
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    password_with_device = models.CharField(
        "a written password was with the device", max_length=10, choices=Answer.choices, blank=True
    )
    crime_reference = models.CharField("police crime reference", max_length=60, blank=True)
    # Personal data: what may be involved and roughly how many people.
    personal_data = models.TextField("personal data that may be involved", blank=True)
    people_affected = models.PositiveIntegerField(
        "roughly how many people's data", null=True, blank=True
    )
    actions_taken = models.TextField("what has been done already", blank=True)

    # Where it went when it was reported (incidents/kinds.py ROUTES). `line_manager` is the
    # manager of the person it happened to, at the time; a referral to the DPO later sets
    # `to_dpo` and `referred_to_dpo_at`.
    to_helpdesk = models.BooleanField(default=False)
    to_dpo = models.BooleanField(default=False)
    to_psd = models.BooleanField(default=False)
    to_manager = models.BooleanField(default=False)
    to_chief_executive = models.BooleanField(default=False)
    line_manager = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_to_dpo_at = models.DateTimeField(null=True, blank=True)

    # When the last step was recorded: the queues put recent activity first.
    last_activity_at = models.DateTimeField(default=timezone.now)
    # The helpdesk has done all it will: the report leaves the helpdesk's open queue.
    helpdesk_done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_note = models.TextField(blank=True)
    # reporting: the one-time token of the form it was sent from, so that the same form sent
    # twice (a double tap, a resend after a dropped connection) makes one incident, not two.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="incident_year_number"),
            models.CheckConstraint(
                condition=Q(discovered_at__gte=models.F("happened_at")),
                name="incident_discovered_after_it_happened",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | ~Q(status="closed") & Q(closed_at__isnull=True),
                name="incident_closed_says_when",
            ),
            models.CheckConstraint(
                condition=Q(to_manager=False) | Q(line_manager__isnull=False),
                name="incident_manager_named",
            ),
            models.CheckConstraint(
                condition=Q(reported_for__isnull=True) | ~Q(reported_for=models.F("reported_by")),
                name="incident_reported_for_someone_else",
            ),
            # reporting: a form's token makes one incident per reporter.
            models.UniqueConstraint(
                fields=["reported_by", "submission_token"],
                condition=Q(submission_token__isnull=False),
                name="incident_one_per_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-reported_at", "-id"], name="incident_by_status"),
            models.Index(fields=["kind", "-reported_at"], name="incident_by_kind"),
            models.Index(
                fields=["-reported_at", "-id"],
                name="incident_helpdesk",
                condition=Q(to_helpdesk=True),
            ),
            models.Index(
                fields=["-reported_at", "-id"], name="incident_dpo", condition=Q(to_dpo=True)
            ),
            models.Index(
                fields=["-reported_at", "-id"], name="incident_psd", condition=Q(to_psd=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def is_device(self) -> bool:
        return self.kind in DEVICE_KINDS

    @property
    def person(self):
        """The member of staff it happened to."""
        return self.reported_for or self.reported_by

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ReferenceCounter(models.Model):
    """The last number given in a year. Taking the next one updates this row, which holds
    every other report of that year back until the first commits: numbers never repeat, even
    under reports sent at the same moment."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class TimelineEntry(models.Model):
    """One step on an incident, in order. `internal` entries (notes, assessments, triage) are
    for the people handling it; the reporter sees the rest: what they sent, and messages to
    them. Never edited: a correction is a new entry."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "Reported"
        INFORMATION_ADDED = "information_added", "Information added by the reporter"
        MESSAGE = "message", "Message to the reporter"
        NOTE = "note", "Internal note"
        ATTACHMENT = "attachment", "File attached"
        HELPDESK_ACTION = "helpdesk_action", "Helpdesk action"
        HELPDESK_DONE = "helpdesk_done", "Helpdesk finished"
        PSD_ASSESSMENT = "psd_assessment", "Professional Standards assessment"
        REFERRED_TO_DPO = "referred_to_dpo", "Referred to the DPO"
        TRIAGE = "triage", "DPO assessment"
        ICO_REPORT = "ico_report", "Report to the ICO"
        SUBJECTS_TOLD = "subjects_told", "People affected told"
        ACTION = "action", "Containment or recovery action"
        ALERT = "alert", "Reminder or alert sent"
        STATUS = "status", "Status changed"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # Nobody for what the portal did itself (a clock alert).
    by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    internal = models.BooleanField(default=False)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["incident", "at", "id"], name="timeline_by_incident")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_kind_display()}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The service has already replaced the browser's name with a generated one.
    return f"incidents/{filename}"


class Attachment(models.Model):
    """A file sent with a report or added later: stored under a generated name outside the web
    root, and served only through a view that checks who may see the incident."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    # Its kind from its content (png, jpeg, pdf), its size, and the name the person gave it
    # (shown to people, never used as a path).
    content_kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class HelpdeskAction(models.Model):
    """What the IT helpdesk did about a device, password or virus report, and when."""

    class Action(models.TextChoices):
        WIPE_REQUESTED = "wipe_requested", "Remote wipe requested"
        WIPE_CONFIRMED = "wipe_confirmed", "Remote wipe confirmed"
        PASSWORD_RESET = "password_reset", "Password reset"
        ACCOUNT_DISABLED = "account_disabled", "Account disabled"
        DEVICE_REPLACED = "device_replaced", "Device replaced"
        DEVICE_CHECKED = "device_checked", "Device checked and cleaned"
        OTHER = "other", "Something else"

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="helpdesk_actions"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    done_at = models.DateTimeField("when it was done")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="other") | ~Q(note=""), name="helpdesk_other_action_says_what"
            )
        ]

    def __str__(self) -> str:
        return self.get_action_display()


class PsdAssessment(models.Model):
    """Professional Standards' assessment of a report of inappropriate content."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        WORDS_OF_ADVICE = "words_of_advice", "Words of advice"
        SEVERITY_ASSESSMENT = (
            "severity_assessment",
            "Misconduct severity assessment opened",
        )
        REFERRED = "referred", "Referred elsewhere"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="psd_assessments")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    psd_reference = models.CharField("PSD reference", max_length=60)
    reasons = models.TextField()
    referred_to = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(psd_reference=""), name="psd_has_reference"),
            models.CheckConstraint(
                condition=~Q(outcome="referred") | ~Q(referred_to=""),
                name="psd_referral_says_where",
            ),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()


class Alert(models.Model):
    """The ledger of reminders and alerts the clocks sent: one row per occasion (its `key`
    names the incident, what it is and the instant it is for), so each is sent exactly once
    however often the sweep runs."""

    key = models.CharField(max_length=200, unique=True)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="alerts")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


# ---- files kept while a report form is put right ----------------------------------


class PendingUpload(models.Model):
    """A file that passed its checks on a report form (or the form adding to a report) that
    failed for another reason: kept, for the person who sent it only, so they need not choose
    it again. It is stored where attachments are, under a generated name, and becomes an
    Attachment (the same stored file) when the form succeeds; one not used within a day is
    swept away with its file (incidents.services.attachments.pending_uploads_sweep)."""

    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    content_kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name
