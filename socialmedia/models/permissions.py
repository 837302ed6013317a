"""Permissions from the Chief Executive (seed 004, paragraphs 11, 12 and 33): to speak on behalf
of the organisation, to publish content externally, or to use its name, crest, logo or
photographs on a personal account.

Every request keeps each version its requester sent (the first and each revision after changes
were asked for), and every decision names the version it was made on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from socialmedia.models.accounts import DECIDER_ROLES


class Kind(models.TextChoices):
    SPEAKING = "speaking", "Speaking on behalf of the organisation"
    PUBLICATION = "publication", "Content for external publication"
    NAME_USE = "name_use", "Using the organisation's name or images on a personal account"


class Subkind(models.TextChoices):
    # Speaking
    INTERVIEW = "interview", "An interview"
    TALK = "talk", "A talk or presentation in person"
    PANEL = "panel", "A panel or conference"
    # Publication
    PRESS_RELEASE = "press_release", "A press release"
    ARTICLE = "article", "An article"
    PRESENTATION = "presentation", "A public presentation"
    REPORT = "report", "A report or strategy for the public"
    POST = "post", "A social media post"
    # The organisation's name or images
    NAME = "name", "The organisation's name"
    CREST = "crest", "The crest or insignia"
    LOGO = "logo", "A logo"
    PHOTOGRAPHS = "photographs", "The organisation's photographs or images"


SUBKINDS = {
    Kind.SPEAKING: (Subkind.INTERVIEW, Subkind.TALK, Subkind.PANEL),
    Kind.PUBLICATION: (
        Subkind.PRESS_RELEASE,
        Subkind.ARTICLE,
        Subkind.PRESENTATION,
        Subkind.REPORT,
        Subkind.POST,
    ),
    Kind.NAME_USE: (Subkind.NAME, Subkind.CREST, Subkind.LOGO, Subkind.PHOTOGRAPHS),
}


class PermissionRequestQuerySet(models.QuerySet["PermissionRequest"]):
    def visible_to(self, user) -> "PermissionRequestQuerySet":
        """Every request for the Chief Executive and delegates; their own for anyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*DECIDER_ROLES):
            return self.all()
        return self.filter(requester_id=user.pk)


class PermissionRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        CHANGES_ASKED = "changes_asked", "Changes asked for"
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=20, choices=Kind)
    subkind = models.CharField("what it is", max_length=20, choices=Subkind)
    title = models.CharField(max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_permissions"
    )
    # When the talk, interview or publication is planned (optional for name or image use).
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The one-time token of the form it was sent from: the same form sent twice (a double
    # click, a resend) finds this request instead of making a second one.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = PermissionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "submission_token"],
                condition=Q(submission_token__isnull=False),
                name="social_permission_one_per_submission",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.CHANGES_ASKED)


class RequestVersion(models.Model):
    """What the requester sent: the text (the press release itself, or what the talk or the use
    of the crest will be) and its attachments. A revision is a new version; none is changed."""

    request = models.ForeignKey(
        PermissionRequest, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    # What changed since the last version, in the requester's words.
    change_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="social_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class VersionAttachment(models.Model):
    version = models.ForeignKey(
        RequestVersion, on_delete=models.PROTECT, related_name="attachments"
    )
    # Stored under a generated name; downloaded only through an authorising view.
    file = models.FileField(upload_to="socialmedia/permissions/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PermissionDecision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        CHANGES_ASKED = "changes_asked", "Changes asked for"
        REFUSED = "refused", "Refused"

    request = models.ForeignKey(
        PermissionRequest, on_delete=models.PROTECT, related_name="decisions"
    )
    # The version decided on: an approval is of this text, not a later one.
    version = models.ForeignKey(RequestVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    as_delegate = models.BooleanField(default=False)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="social_conditions_written",
                condition=~Q(outcome="approved_with_conditions") | ~Q(conditions=""),
            ),
            models.CheckConstraint(
                name="social_refusal_or_changes_has_reason",
                condition=Q(outcome__in=("approved", "approved_with_conditions")) | ~Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()
