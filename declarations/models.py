"""Policies, their versions, annual declaration campaigns, who must sign, and what they signed.

Seed 004, paragraph 1: everyone the policy applies to declares each year that they have read and
understood it and will comply. A declaration is evidence: it is never edited or deleted.
"""

import math
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from portal.lib.durations import seconds_in_words
from portal.lib.uktime import days_overdue, long_date
from portal.models import EmploymentType


def same_day_years_on(day: date, years: int) -> date:
    """The same day `years` later (or earlier): 28 February for 29 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def a_year_after(day: date) -> date:
    return same_day_years_on(day, 1)


def a_year_from_today() -> date:
    return a_year_after(timezone.localdate())


class Policy(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(blank=True, help_text="One or two sentences on what it covers.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Four eyes: each version is approved by a second policy administrator, never one of its
    # authors, before it can be published.
    versions_need_approval = models.BooleanField(default=False)
    # The day the policy is next due for review (UK date). The owner is reminded before it and
    # told when it has passed; next_review_reminder_at is the instant the sweep next writes
    # (None once the overdue notice has gone), claimed with a conditional UPDATE.
    review_date = models.DateField(default=a_year_from_today)
    next_review_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Not fields: set on the policies declarations.selectors.policies_in_force returns (the
    # versions in effect today, newest first, by current_versions_prefetch; and the first).
    current: list["PolicyVersion"]
    current_version: "PolicyVersion"

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title

    @property
    def is_review_overdue(self) -> bool:
        """The review date has passed (UK date) and no review has been recorded since."""
        return self.review_date < timezone.localdate()


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Approval(models.TextChoices):
        """Where a draft stands with a second policy administrator (for policies whose versions
        need approval). Any change to the draft sends it back to NOT_ASKED."""

        NOT_ASKED = "not_asked", "Not yet asked for approval"
        AWAITING = "awaiting", "Waiting for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Sent back for changes"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=20, help_text='For example "4.0".')
    effective_date = models.DateField()
    body_markdown = models.TextField("text (Markdown)")
    # The sanitised HTML staff read; fixed at publication, with its SHA-256 beside it.
    body_html = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="policies/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    summary_of_changes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A material change asks everyone who signed the previous version to sign again.
    material_change = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who drafted it (None for versions drafted before this was recorded): an author can never
    # approve the version, and is told of the decision.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The latest request for approval and the latest decision on it; every one of them is also
    # in the audit trail. A change to the draft clears them (approval_* back to NOT_ASKED).
    approval = models.CharField(max_length=12, choices=Approval.choices, default=Approval.NOT_ASKED)
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_note = models.TextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["policy", "-effective_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "label"], name="policy_version_label_unique"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(published_at__isnull=False) & ~Q(content_sha256="")),
                name="published_version_is_fixed",
            ),
            models.CheckConstraint(
                condition=~Q(approval="approved")
                | (Q(approved_at__isnull=False) & Q(approved_by__isnull=False)),
                name="approval_names_who_and_when",
            ),
            # Never by its author or by the one who asked (a NULL on either side passes).
            models.CheckConstraint(
                condition=~Q(approved_by=F("created_by"))
                & ~Q(approved_by=F("approval_requested_by")),
                name="approval_by_a_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title} {self.label}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_in_effect(self) -> bool:
        """Published, and its effective date has come (UK date)."""
        return self.is_published and self.effective_date <= timezone.localdate()

    @property
    def needs_approval(self) -> bool:
        """A draft of a policy whose versions need approval, not yet approved."""
        return (
            not self.is_published
            and self.policy.versions_need_approval
            and self.approval != self.Approval.APPROVED
        )


class Campaign(models.Model):
    """One round of declarations: the annual one, or a re-sign after a material change."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual declaration"
        RESIGN = "resign", "Re-sign after a material change"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    versions = models.ManyToManyField(PolicyVersion, related_name="campaigns")
    statement = models.TextField(help_text="What each person agrees to, shown above the signature.")
    # Audience: everyone active, or only these departments and/or employment types.
    audience_all = models.BooleanField("all active staff", default=True)
    departments = models.ManyToManyField("portal.Department", blank=True, related_name="+")
    employment_types = models.JSONField(
        default=list, blank=True, help_text=f"Values from {EmploymentType.__name__}."
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # People who start while the campaign is open have this many days from their start date.
    new_starter_days = models.PositiveSmallIntegerField(default=14)
    reminder_every_days = models.PositiveSmallIntegerField(default=7)
    # After the due date: tell the line manager at once, the policy administrators this much later.
    admin_escalation_days = models.PositiveSmallIntegerField(default=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Why a version older than the one in effect was chosen deliberately (blank when none was).
    older_versions_reason = models.TextField(blank=True)
    # For a re-sign campaign: the version whose material change caused it.
    caused_by = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The latest closing and the latest reopening, each with who and why, shown on the campaign
    # page; every one of them is also in the audit trail.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_reason = models.TextField(blank=True)
    # Repeating (declarations/services/repeats.py): a repeating annual campaign has next year's
    # prepared as a draft a set number of days before the anniversary of its opening. The copy
    # names the campaign it came from; the one-to-one link is what makes it exactly one copy.
    repeats_yearly = models.BooleanField("repeat every year", default=False)
    repeat_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeat"
    )
    # Set only on a prepared copy whose administrators were told in time: the sweep opens it
    # on its opening date, as the system. Cleared when the repeat is stopped, or when opening
    # it failed (the administrators are told).
    opens_automatically = models.BooleanField(default=False)
    repeat_stopped_at = models.DateTimeField(null=True, blank=True)
    repeat_stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repeat_stopped_reason = models.TextField(blank=True)
    # Senior people sent a summary of the figures each week while the campaign is open
    # (services/summaries.py), chosen by a policy administrator; changes are audited.
    summary_recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    # The comprehension check (only when the campaign has questions): the pass mark, as a number
    # of correct answers or a percentage of the questions, and how many attempts each person has.
    check_pass_mark = models.PositiveSmallIntegerField(default=80)
    check_pass_mark_is_percent = models.BooleanField(default=True)
    check_attempts = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("opens_at")), name="due_after_open"
            ),
            models.CheckConstraint(
                condition=Q(repeats_yearly=False) | Q(kind="annual"), name="only_annual_repeats"
            ),
            models.CheckConstraint(
                condition=Q(opens_automatically=False) | Q(repeat_of__isnull=False),
                name="only_a_prepared_repeat_opens_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def required_correct(self, out_of: int) -> int:
        """Correct answers needed to pass the check out of `out_of` questions: the pass mark as
        a number, or the percentage rounded up (80% of 4 questions is 4)."""
        if self.check_pass_mark_is_percent:
            return max(1, math.ceil(self.check_pass_mark * out_of / 100))
        return self.check_pass_mark

    @property
    def pass_mark_text(self) -> str:
        if self.check_pass_mark_is_percent:
            return f"{self.check_pass_mark}% of the answers right"
        count = self.check_pass_mark
        return f"{count} answer{'' if count == 1 else 's'} right"

    def pass_mark_problem(self, questions: int) -> str:
        """Why the pass mark cannot be met with this many questions ("" when it can)."""
        if questions and not self.check_pass_mark_is_percent and self.check_pass_mark > questions:
            return (
                f"The pass mark is {self.check_pass_mark} right answers but the check has only "
                f"{questions} question{'' if questions == 1 else 's'}. Lower the pass mark or "
                "add questions."
            )
        return ""


class CampaignSummary(models.Model):
    """One week's summary of a campaign, sent to its named senior people.

    The row is the weekly sweep's claim: unique per campaign and ISO week, written in the same
    transaction as the emails, so a week's summary is sent once however often the sweep runs.
    Its figures are kept so the next week's summary can say what changed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="summaries")
    # The ISO week the summary is for, such as "2026-W49".
    week = models.CharField(max_length=8)
    sent_at = models.DateTimeField()
    # reports.FIGURES, by name, as they stood when it was sent.
    figures = models.JSONField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "week"], name="one_summary_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.week}"


class ExtraStatement(models.Model):
    """A further statement for part of a campaign's audience (politically restricted posts)."""

    class Audience(models.TextChoices):
        POLITICALLY_RESTRICTED = "politically_restricted", "Politically restricted posts"
        DEPARTMENTS = "departments", "Chosen departments"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="extra_statements"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    audience = models.CharField(max_length=30, choices=Audience.choices)
    departments = models.ManyToManyField("portal.Department", blank=True, related_name="+")

    def __str__(self) -> str:
        return self.title


class Obligation(models.Model):
    """That one person must sign in one campaign, by when, and where reminders have got to.

    The reminder sweep works from the `next_*_at` instants here (never `date == today`), and
    claims a row with a conditional UPDATE before sending, so a sweep run twice sends once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "To sign"
        SIGNED = "signed", "Signed"
        PAUSED = "paused", "Paused"
        # Exempted by a policy administrator until a date (long-term sickness, secondment):
        # not asked, not counted as asked; when the date passes they are asked again.
        EXEMPT = "exempt", "Exempt"
        WITHDRAWN = "withdrawn", "No longer required"

    # Who may sign while the campaign is open: paused and exempt people may if they wish
    # (signing ends either); signed and withdrawn ones may not.
    SIGNABLE = (Status.PENDING, Status.PAUSED, Status.EXEMPT)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="obligations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declaration_obligations"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    paused_reason = models.CharField(max_length=500, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    manager_escalated_at = models.DateTimeField(null=True, blank=True)
    admin_escalated_at = models.DateTimeField(null=True, blank=True)
    # The latest exemption, with who gave it, when, why and until when (the end of its last
    # UK day), and how it ended: early by an administrator (who and why), or at its end date
    # by the sweep (no one, no reason). Every exemption is also in the audit trail.
    exempted_at = models.DateTimeField(null=True, blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exempt_reason = models.CharField(max_length=500, blank=True)
    exempt_until = models.DateTimeField(null=True, blank=True)
    exemption_ended_at = models.DateTimeField(null=True, blank=True)
    exemption_ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exemption_ended_reason = models.CharField(max_length=500, blank=True)
    # When the person signed: a copy of their declaration's signed_at, written in the same
    # UPDATE that marks the obligation signed, so "signed late" is read from this row alone
    # (the campaign's counts are kept by database triggers that see only this table).
    signed_at = models.DateTimeField(null=True, blank=True)
    # Attempts at the comprehension check a policy administrator allowed beyond the campaign's.
    check_extra_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not fields: set on the rows declarations.remindable.with_refusal returns (why they
    # cannot be reminded now, "" if they can; when they were reminded by hand that day).
    cannot_remind: str
    reminded_now_at: datetime | None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"], name="one_obligation_per_campaign"
            ),
            # An exemption always says who, when, why and until when.
            models.CheckConstraint(
                condition=~Q(status="exempt")
                | (Q(exempted_at__isnull=False, exempt_until__isnull=False) & ~Q(exempt_reason="")),
                name="exemption_is_explained",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
                name="signed_says_when",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "due_at"]),
            # The sweep's search for exemptions whose end has come: few rows, so a small index.
            models.Index(
                fields=["exempt_until"], condition=Q(status="exempt"), name="exemption_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.campaign}"

    @property
    def can_still_sign(self) -> bool:
        """May sign now, or answer the questions before signing: see SIGNABLE."""
        return self.campaign.status == Campaign.Status.OPEN and self.status in self.SIGNABLE

    @property
    def is_overdue(self) -> bool:
        """Still to sign (not paused) and past its due date."""
        return self.status == self.Status.PENDING and self.due_at <= timezone.now()

    @property
    def days_overdue(self) -> int:
        """Whole UK days past the due date while still to sign; 0 otherwise."""
        if self.status != self.Status.PENDING:
            return 0
        return days_overdue(self.due_at, timezone.now())

    @property
    def check_attempts_allowed(self) -> int:
        """Attempts at the comprehension check: the campaign's, and any more allowed this one."""
        return self.campaign.check_attempts + self.check_extra_attempts

    @property
    def exemption_ended_early(self) -> bool:
        """The latest exemption was ended by an administrator before its end date."""
        return self.exemption_ended_by_id is not None


def signed_late_by(due_at: datetime, signed_at: datetime | None) -> timedelta | None:
    """How long after the person's due date a declaration was signed: None when it was signed
    on time (at or before the due date) or not at all. The one definition of "late"; the
    database counts by signed_late(), which says the same."""
    if signed_at is None or signed_at <= due_at:
        return None
    return signed_at - due_at


def signed_late(prefix: str = "") -> Q:
    """signed_late_by as a filter on obligations: signed after the obligation's own due date
    (a new starter's, or an extended one). `prefix` reaches obligations from another model
    ("obligations__" from a campaign). The tally triggers (migration 0012) say the same."""
    return Q(**{f"{prefix}signed_at__gt": F(f"{prefix}due_at")})


def lateness_text(late_by: timedelta | None) -> str:
    """How late, in plain words: "3 days late", "5 hours late", "10 minutes late"; "" if on
    time. Whole units, rounded down, in the largest unit that is at least one."""
    if late_by is None or late_by <= timedelta(0):
        return ""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(late_by.total_seconds() // size)
        if count:
            return f"{count} {unit}{'' if count == 1 else 's'} late"
    return "less than a minute late"


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class CampaignTally(models.Model):
    """How many of a campaign's obligations, of active people, are in each state, by the
    person's department and employment type (and due date, for the overdue figure): what
    every page that counts a campaign reads (declarations.reports), a few rows instead of
    every obligation.

    On PostgreSQL these rows are kept by statement-level triggers on obligations and people
    (migration 0012), in the transaction that changes them, so a count can never drift from
    the rows it counts; nothing in Python writes them. SQLite (`make run`) has no such
    triggers and counts the obligations themselves.
    """

    # No database constraints: the triggers write these rows whatever order Django deletes
    # things in, and a row whose count has fallen to nought is simply left at nought.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    department_id = models.IntegerField(help_text="The person's department; 0 for none.")
    employment_type = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    late = models.BooleanField(help_text="Signed after the due date (signed_late).")
    due_at = models.DateTimeField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "department_id", "employment_type", "status", "late", "due_at"],
                name="one_tally_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status}: {self.n}"


class Declaration(models.Model):
    """What a person signed: immutable evidence. One per person per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="declarations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations"
    )
    obligation = models.OneToOneField(
        Obligation, on_delete=models.PROTECT, related_name="declaration"
    )
    versions = models.ManyToManyField(PolicyVersion, related_name="declarations")
    # Snapshot of each version signed: [{"id", "policy", "label", "sha256"}], as it was.
    versions_signed = models.JSONField()
    statement = models.TextField()
    extra_statements = models.JSONField(default=list, blank=True)
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # Null when the password re-entered was the person's own choice (or from before this was
    # recorded). When someone else had set it (an administrator), who and when, as they read
    # at signing: {"by": "Name <email>", "by_id": 3, "at": ISO instant}. Such a signature
    # proves less, and the printable record says so.
    password_set_by_other = models.JSONField(null=True, blank=True, default=None)

    class IdentityCheck(models.TextChoices):
        PASSWORD = "password", "Re-entered their portal password"
        IDENTITY_PROVIDER = "identity_provider", "Signed in again at the identity provider"

    # How the person proved who they were as they signed, and when: a password re-entered on
    # the signing page, or a fresh sign-in at the organisation's identity provider just before
    # (portal.reauth). Declarations from before this was recorded are passwords, at signed_at.
    identity_checked_by = models.CharField(
        max_length=20, choices=IdentityCheck, default=IdentityCheck.PASSWORD
    )
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    # Evidence of reading, as it stood at signing, one entry per version: [{"id", "policy",
    # "label", "first_opened_at" (ISO or null), "seconds_on_screen" (null: not measured),
    # "read_ticked_at" (ISO)}]. Null on declarations signed before this was recorded.
    reading_evidence = models.JSONField(null=True, blank=True, default=None)
    # The comprehension check passed, as asked: {"attempt", "attempts_allowed", "score",
    # "out_of", "pass_mark", "at", "questions": [{"text", "choices", "answer", "correct"}]}.
    # Null when the campaign had no questions.
    check_result = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campaign"], name="one_declaration_per_campaign"
            )
        ]

    def __str__(self) -> str:
        # Local time: this text is the audit record's description of the signature.
        day = long_date(timezone.localdate(self.signed_at))
        return f"{self.user} signed {self.campaign} on {day}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A declaration cannot be changed once signed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A declaration cannot be deleted.")

    @property
    def late_by(self) -> timedelta | None:
        """How long after the person's due date this was signed; None if on time."""
        return signed_late_by(self.obligation.due_at, self.signed_at)

    @property
    def is_late(self) -> bool:
        return self.late_by is not None

    @property
    def lateness(self) -> str:
        """ "3 days late", or "" when signed on time."""
        return lateness_text(self.late_by)

    @property
    def reading_rows(self) -> list[dict]:
        """reading_evidence with its instants as datetimes and the time on screen in words."""
        rows = []
        for entry in self.reading_evidence or []:
            seconds = entry.get("seconds_on_screen")
            rows.append(
                {
                    **entry,
                    "first_opened": _instant(entry.get("first_opened_at")),
                    "read_ticked": _instant(entry.get("read_ticked_at")),
                    "on_screen": "not measured" if seconds is None else seconds_in_words(seconds),
                }
            )
        return rows

    @property
    def check_passed_at(self) -> datetime | None:
        return _instant((self.check_result or {}).get("at"))

    @property
    def password_set_by_other_at(self) -> datetime | None:
        at = (self.password_set_by_other or {}).get("at")
        return datetime.fromisoformat(at) if at else None


class ReadingRecord(models.Model):
    """When one person first opened one policy version to sign it, and how long it was on their
    screen. One row per obligation and version; the signing page's heartbeats add to it, each
    capped, so a tab left open cannot claim hours. Copied into the declaration at signing."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="readings")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    first_opened_at = models.DateTimeField()
    seconds_on_screen = models.PositiveIntegerField(default=0)
    # Set by the first heartbeat: until one arrives (no JavaScript), the time was not measured.
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When "I have read" was first ticked on the page, as the script reported it; without the
    # script, the signature's own time stands for it.
    read_ticked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "version"], name="one_reading_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.version}"

    @property
    def measured(self) -> bool:
        return self.last_heartbeat_at is not None


class CheckQuestion(models.Model):
    """One multiple-choice question of a campaign's comprehension check (set while a draft)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    # The answers offered, in order (two to six), and the index of the one that is right.
    choices = models.JSONField()
    correct = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class CheckAttempt(models.Model):
    """One marked attempt at a campaign's comprehension check: what was asked, what the person
    answered, the score and whether it passed. Kept for every attempt, failed or passed."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, related_name="check_attempts"
    )
    number = models.PositiveSmallIntegerField()
    # [{"text", "choices", "correct", "answer"}] as asked (the questions cannot change once the
    # campaign is open, but the record stands on its own).
    asked = models.JSONField()
    score = models.PositiveSmallIntegerField()
    out_of = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField(help_text="Correct answers needed to pass.")
    passed = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["obligation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "number"], name="one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.obligation}: attempt {self.number}"
