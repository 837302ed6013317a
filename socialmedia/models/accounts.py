"""A corporate social media account, from its application to its closure (seed 004,
paragraphs 20–24), with the team who may use it, the Chief Executive's decisions in writing, its
hand-overs and its owner's periodic reviews.

One row is the application and then the account: what was asked for stays beside what was
opened, and an account can only be handed over or closed, never made someone's own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.roles import Role

DECIDER_ROLES = (Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE)


class Platform(models.TextChoices):
    X = "x", "X (formerly Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    NEXTDOOR = "nextdoor", "Nextdoor"
    OTHER = "other", "Another platform"


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user) -> "AccountQuerySet":
        """The accounts a person may open: every one for the Chief Executive and delegates; for
        anyone else those they own or are on the current team of, and their own applications
        until the account opens (someone who applied, handed the account over and left its
        team no longer sees who runs it)."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*DECIDER_ROLES):
            return self.all()
        return self.of(user)

    def of(self, user) -> "AccountQuerySet":
        """A person's own accounts (a decider's too, not every account): those they own or are
        on the current team of, and their applications until the account opens."""
        on_team = TeamMember.objects.current().filter(user_id=user.pk).values("account_id")
        applied = Q(applicant_id=user.pk, status__in=Account.APPLICATION_STATUSES)
        return self.filter(applied | Q(owner_id=user.pk) | Q(pk__in=on_team))

    def running(self) -> "AccountQuerySet":
        """Open on the platform and not closed: the accounts whose passwords and reviews matter."""
        return self.filter(status__in=(Account.Status.ACTIVE, Account.Status.SUSPENDED))


class Account(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "Applied: waiting for a decision"
        CHANGES_ASKED = "changes_asked", "Changes asked for"
        APPROVED = "approved", "Approved: not yet open"
        REFUSED = "refused", "Refused"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended pending changes"
        CLOSED = "closed", "Closed"

    # Before the account is open: its applicant follows it even if not on the team.
    APPLICATION_STATUSES = (
        Status.APPLIED,
        Status.CHANGES_ASKED,
        Status.APPROVED,
        Status.REFUSED,
    )

    # ---- The application (paragraphs 20 and 21) ----
    platform = models.CharField(max_length=20, choices=Platform)
    other_platform = models.CharField("name of the platform", max_length=80, blank=True)
    name = models.CharField("account name", max_length=120)
    handle = models.CharField(max_length=120, help_text="For example @WestshireOPCC.")
    purpose = models.TextField("how it will promote the work of the organisation")
    audience = models.TextField("who it is for")
    website_link = models.URLField(
        "link back to the main website", max_length=500, help_text="Where the profile links to."
    )
    content_plan = models.TextField("planned flow of content")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_applications"
    )
    responsibilities_confirmed_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    # The one-time token of the form the application came from: the same form sent twice (a
    # double click, a resend) makes one account (account_apply's `token`).
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    # The latest decision on the application, kept on the row for the register (the whole
    # record is Decision).
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # ---- The account, once open ----
    # The owner answers for it: the applicant until a hand-over.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_accounts"
    )
    url = models.URLField("address of the account", max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # Set in the same transaction as a team change, a leaver, or the departure of someone who
    # saw the password; cleared only by recording a new password.
    rotation_due_since = models.DateTimeField(null=True, blank=True)
    rotation_due_reason = models.CharField(max_length=300, blank=True)
    last_rotated_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_reason = models.TextField(blank=True)
    # The owner's word that the account no longer exists on the platform.
    deleted_on_platform = models.BooleanField(default=False)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "handle", "pk"]
        indexes = [
            models.Index(fields=["status", "platform"]),
            models.Index(fields=["rotation_due_since"]),
            models.Index(fields=["review_due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="social_other_platform_named",
                condition=~Q(platform="other") | ~Q(other_platform=""),
            ),
            models.CheckConstraint(
                name="social_active_was_opened",
                condition=~Q(status__in=("active", "suspended")) | Q(opened_at__isnull=False),
            ),
            models.CheckConstraint(
                name="social_suspended_has_time",
                condition=~Q(status="suspended") | Q(suspended_at__isnull=False),
            ),
            models.CheckConstraint(
                name="social_closed_has_time",
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["applicant", "submission_token"],
                condition=Q(submission_token__isnull=False),
                name="social_one_account_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_name} {self.handle}"

    @property
    def platform_name(self) -> str:
        if self.platform == Platform.OTHER:
            return self.other_platform
        return Platform(self.platform).label

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.SUSPENDED)

    @property
    def rotation_due(self) -> bool:
        return self.rotation_due_since is not None


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def current(self) -> "TeamMemberQuerySet":
        return self.filter(removed_at__isnull=True)


class TeamMember(models.Model):
    """Someone with access to the account (the owner is one). Taking someone off the team ends
    their row and marks the password for rotation; a later return is a new row."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_teams"
    )
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removal_reason = models.CharField(max_length=300, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=Q(removed_at__isnull=True),
                name="social_one_current_team_row",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on account {self.account_id}"


class Decision(models.Model):
    """The Chief Executive's (or a delegate's) decision in writing: on the application, or an
    order about an account that does not comply (paragraph 22). Written once, never changed."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        CHANGES_ASKED = "changes_asked", "Changes asked for"
        SUSPENDED = "suspended", "Suspended pending changes"
        REINSTATED = "reinstated", "Suspension lifted"
        CLOSURE_ORDERED = "closure_ordered", "Ordered closed"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Whether they decided as the Chief Executive's delegate (kept: roles change later).
    as_delegate = models.BooleanField(default=False)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (account {self.account_id})"


class HandOver(models.Model):
    """The owner passing the account to another team member (paragraph 20): the Chief
    Executive is told when it is proposed, and it takes effect when the new owner accepts."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="handovers")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_handovers"
    )
    note = models.TextField(blank=True)
    proposed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(answered_at__isnull=True),
                name="social_one_open_handover",
            ),
            models.CheckConstraint(
                name="social_handover_answered_has_outcome",
                condition=Q(answered_at__isnull=True, outcome="")
                | (Q(answered_at__isnull=False) & ~Q(outcome="")),
            ),
        ]

    def __str__(self) -> str:
        return f"Hand-over of account {self.account_id}"


class Review(models.Model):
    """The owner's periodic confirmation that the account is right (paragraphs 21 and 24).
    Written once, never changed."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    accurate = models.BooleanField("the content is accurate and current")
    links_back = models.BooleanField("the profile links back to the main website")
    team_right = models.BooleanField("the team listed here is everyone with access")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of account {self.account_id}"


class Reminder(models.Model):
    """The ledger of reminders sent by the sweeps: one row per account, kind and occasion, so a
    sweep run twice (or by two workers) sends each once. Written once, never changed."""

    class Kind(models.TextChoices):
        ROTATION_DUE = "rotation_due", "Password change due"
        REVIEW_DUE = "review_due", "Review due"
        REVIEW_OVERDUE = "review_overdue", "Review overdue"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Names the occasion: e.g. the due instant and the reminder's number.
    slot = models.CharField(max_length=80)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "slot"], name="social_one_reminder_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (account {self.account_id})"
