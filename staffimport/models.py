import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.lib.uktime import long_date


def _stored_name(instance: "StaffImport", filename: str) -> str:
    # Never the name the browser sent: HR's file names can carry personal data, and a generated
    # name cannot clash or be guessed.
    return f"staff-imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.csv"


class StaffImport(models.Model):
    """One HR file given to the staff import: what it held, what it would change, what it did.

    The stored file and its SHA-256 are kept so that what was applied is exactly what was
    previewed, and so that the record can later show which file changed people's details.
    """

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking the file"
        INVALID = "invalid", "Problems found: nothing changed"
        PREVIEWED = "previewed", "Checked: ready to apply"
        APPLYING = "applying", "Applying the changes"
        DONE = "done", "Applied"
        FAILED = "failed", "Stopped by an error"

    class Source(models.TextChoices):
        WEB = "web", "Uploaded in the portal"
        COMMAND = "command", "Run from the command line"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    file_name = models.CharField("file name as uploaded", max_length=255)
    stored_file = models.FileField(upload_to=_stored_name, max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    deactivate_missing = models.BooleanField(
        "deactivate people missing from this file", default=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    # What the background job is doing now, shown above the progress bar.
    stage = models.CharField(max_length=100, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # Preview counts (creates, updates, ...) and, once applied, what was done (created, ...).
    counts = models.JSONField(default=dict, blank=True)
    # Problems that stop the import, as {"line", "column", "message"}; capped, with the total.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # What would change (lists capped; the counts are complete) and notes that do not block it.
    preview = models.JSONField(default=dict, blank=True)
    # A digest of every change the preview stands for: applying recomputes it and refuses to go
    # on if the portal's records changed in between.
    plan_digest = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField("apply started", null=True, blank=True)
    finished_at = models.DateTimeField("apply finished", null=True, blank=True)
    # Last sign of life from whoever is working on it; a long silence means the worker stopped.
    progress_at = models.DateTimeField(null=True, blank=True)
    # When the retention sweep disposed of the file and what it held (staffimport/retention.py);
    # the row stays as a tombstone the audit trail's events point at.
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table the model had while it lived in portal (portal 0003): moving the model to
        # its own app changed no database, so existing imports and their files stay.
        db_table = "portal_staffimport"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Staff import {self.pk}: {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class HeldChange(models.Model):
    """A change HR's file asked for to a privileged person (see privileged.py), held back when
    the import was applied until a system administrator other than the uploader approves it.

    The values are kept as the file gave them, so approving applies exactly what was previewed,
    and only while the person's record still holds `old_value`.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "New sign-in email address"
        LEAVE_DATE = "leave_date", "New leave date"
        DEACTIVATE = "deactivate", "Deactivate"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a system administrator"
        APPROVED = "approved", "Approved and applied"
        REFUSED = "refused", "Refused: not applied"

    staff_import = models.ForeignKey(
        StaffImport, on_delete=models.PROTECT, related_name="held_changes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    line = models.PositiveIntegerField("line in the file", null=True, blank=True)
    # As text: an email address, an ISO date, or blank. For a deactivation, the new leave date.
    old_value = models.CharField(max_length=254, blank=True)
    new_value = models.CharField(max_length=254, blank=True)
    # Why the file deactivates them, as the preview said it.
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One file asks once per person and kind; applying twice must not hold it twice.
            models.UniqueConstraint(
                fields=["staff_import", "user", "kind"], name="held_change_once_per_import"
            ),
            models.CheckConstraint(
                condition=models.Q(status="waiting", decided_at__isnull=True)
                | (~models.Q(status="waiting") & models.Q(decided_at__isnull=False)),
                name="held_change_decided_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} (staff import {self.staff_import_id})"

    @property
    def description(self) -> str:
        return self.describe(self.kind, self.old_value, self.new_value, self.reason)

    @classmethod
    def describe(cls, kind: str, old: str, new: str, reason: str) -> str:
        """A held change as the preview and the approval page say it."""
        if kind == cls.Kind.DEACTIVATE:
            return f"Deactivate: {reason}" if reason else "Deactivate"
        if kind == cls.Kind.LEAVE_DATE:
            old, new = (long_date(date.fromisoformat(v)) if v else "" for v in (old, new))
            label = "Leave date"
        else:
            label = "Sign-in email"
        return f"{label}: {old or '(none)'} → {new or '(none)'}"
