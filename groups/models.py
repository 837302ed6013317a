"""The register of work chat groups, their members and their clear-down cycles.

Nothing here holds a chat message: the portal records that chats were cleared, never what was in
them. Rows that are evidence (a decision, a membership, a cycle, a confirmation) are never
deleted: a member who leaves a group is marked removed, so the register can say who was in a
group on any date.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.roles import Role


class Platform(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    SIGNAL = "signal", "Signal"
    OTHER = "other", "Another app"


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so a slot's weekday is compared without translation.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# Clear-downs open on the hour or half hour between 07:00 and 19:00, local time. None of these
# times is skipped or repeated by a UK clock change (those happen at 01:00 and 02:00), so every
# slot is one unambiguous instant.
CLEAR_DOWN_TIMES = [time(hour, minute) for hour in range(7, 19) for minute in (0, 30)] + [
    time(19, 0)
]
DEFAULT_CLEAR_DOWN_TIME = time(10, 0)


class ChatGroupQuerySet(models.QuerySet["ChatGroup"]):
    def visible_to(self, user) -> "ChatGroupQuerySet":
        """The groups a person may open: every group for the DPO and deputy; for anyone else
        the groups they applied for, run (admin or deputy) or are a current member of."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.DPO, Role.DEPUTY_DPO):
            return self
        member_of = Membership.objects.filter(user_id=user.pk, removed_at__isnull=True).values(
            "group_id"
        )
        return self.filter(
            Q(applicant_id=user.pk)
            | Q(admin_id=user.pk)
            | Q(deputy_id=user.pk)
            | Q(pk__in=member_of)
        )

    def approved(self) -> "ChatGroupQuerySet":
        return self.filter(status=ChatGroup.Status.APPROVED)


class ChatGroup(models.Model):
    """One work chat group: its registration (what the DPO approved), who runs it, its
    status and its clear-down schedule."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting the DPO's decision"
        CHANGES_ASKED = "changes_asked", "Changes asked for"
        REFUSED = "refused", "Refused"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    # What the applicant may still edit and send (again) to the DPO.
    EDITABLE = (Status.DRAFT, Status.CHANGES_ASKED, Status.REFUSED)

    name = models.CharField(max_length=120)
    platform = models.CharField(max_length=20, choices=Platform)
    platform_other = models.CharField("name of the app", max_length=80, blank=True)
    purpose = models.TextField("business purpose")
    audience = models.TextField("who the group is for")
    # The risk assessment, in the applicant's words.
    will_post = models.TextField("what will be posted")
    never_post = models.TextField("what must never be posted")
    why_not_corporate = models.TextField("why email or Teams will not do")
    expected_size = models.PositiveIntegerField("expected number of members")
    has_external_members = models.BooleanField(
        "people from outside the organisation will be members", default=False
    )
    logo_confirmed = models.BooleanField("the group carries the organisation's logo", default=False)
    cleardown_weekday = models.PositiveSmallIntegerField(
        "clear-down day", choices=Weekday, default=Weekday.MONDAY
    )
    cleardown_time = models.TimeField("clear-down time", default=DEFAULT_CLEAR_DOWN_TIME)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_groups_applied"
    )
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_groups_run"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chat_groups_deputised",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Why it was suspended or closed, in the decider's words (the audit trail keeps each one).
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The DPO's explicit approval of a size above the organisation's limit, up to this many.
    size_approved_up_to = models.PositiveIntegerField(null=True, blank=True)
    # The leaver who ran it has gone; the DPO names a new admin, the deputy runs cycles meanwhile.
    needs_admin = models.BooleanField(default=False)

    # Clear-downs: slot k opens on local date `cycle_anchor` + k × the interval, at
    # `cleardown_time`, so it keeps its local time across the clock changes. The sweep claims
    # `next_cycle_at`, the instant of the next slot it has not yet dealt with.
    cycle_anchor = models.DateField(null=True, blank=True)
    next_cycle_at = models.DateTimeField(null=True, blank=True)

    review_due_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    # A closed group's admin confirms the chat itself was deleted on the platform.
    chat_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ChatGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["status", "name", "id"], name="chatgroup_by_status_name"),
            models.Index(
                fields=["next_cycle_at"],
                name="chatgroup_cycle_due",
                condition=Q(status="approved"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(platform="other") | ~Q(platform_other=""),
                name="chatgroup_other_platform_named",
            ),
            models.CheckConstraint(
                condition=Q(deputy__isnull=True) | ~Q(deputy=models.F("admin")),
                name="chatgroup_deputy_not_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def platform_name(self) -> str:
        return (
            self.platform_other if self.platform == Platform.OTHER else self.get_platform_display()
        )

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Submission(models.Model):
    """One time the registration was sent to the DPO, with exactly what was sent and what the
    DPO decided. A group keeps every one: a refused or returned application revised and sent
    again is a new submission, and so is a change to an approved registration (a new platform,
    a larger size)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "Registration"
        CHANGE = "change", "Change to the registration"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        CHANGES_ASKED = "changes_asked", "Changes asked for"

    group = models.ForeignKey(ChatGroup, on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGISTRATION)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # What was sent: every registration field and the members named, as the DPO read them. A
    # change carries the fields it would change under "proposed".
    details = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(outcome="pending"),
                name="submission_one_pending_per_group",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_at__isnull=True)
                | (~Q(outcome="pending") & Q(decided_at__isnull=False)),
                name="submission_decided_says_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.group} ({self.get_outcome_display()})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        return self.filter(removed_at__isnull=True)

    def on(self, instant) -> "MembershipQuerySet":
        """Who was a member at `instant`."""
        return self.filter(added_at__lte=instant).filter(
            Q(removed_at__isnull=True) | Q(removed_at__gt=instant)
        )


class Membership(models.Model):
    """A member of staff in a group, from when they were added until they were removed."""

    group = models.ForeignKey(ChatGroup, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.TextField(blank=True)
    # The group's purpose and rules are sent once the group is approved (or on joining an
    # approved group); the member acknowledges them once, before their first clear-down.
    rules_sent_at = models.DateTimeField(null=True, blank=True)
    rules_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Removing someone here does not remove them from the chat itself: the admin does that on
    # the platform and confirms it (asked at once when the person left the organisation).
    chat_removal_confirmed_at = models.DateTimeField(null=True, blank=True)
    chat_removal_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "pk"]
        indexes = [models.Index(fields=["user", "removed_at"], name="membership_by_user")]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(removed_at__isnull=True),
                name="membership_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class ExternalMember(models.Model):
    """Someone from outside the organisation in a group: named with their organisation and how
    to reach them. They have no account, so the portal sends them nothing."""

    group = models.ForeignKey(ChatGroup, on_delete=models.PROTECT, related_name="external_members")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    contact = models.CharField("email or phone", max_length=200)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class ClearDownCycle(models.Model):
    """One period of one group: opened at its slot, and what became of it. One per group per
    slot (a database constraint), so a sweep run twice cannot open a period twice."""

    class Outcome(models.TextChoices):
        PROMPTED = "prompted", "Prompt sent"
        MISSED = "missed", "Missed"
        SKIPPED = "skipped", "Skipped: a hold was open"

    group = models.ForeignKey(ChatGroup, on_delete=models.PROTECT, related_name="cycles")
    opens_at = models.DateTimeField()
    # The end of the period (the next slot): its links expire then.
    closes_at = models.DateTimeField()
    # By when the admin and the members are asked to confirm.
    deadline_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Why a period was missed or skipped, in words for the record.
    cause = models.TextField(blank=True)
    # The hold that stopped this period's clear-down: skipped at its slot, or withdrawn after
    # the prompt went out but before everyone had cleared.
    hold = models.ForeignKey(
        "Hold", null=True, blank=True, on_delete=models.PROTECT, related_name="cycles"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Who was asked to post the prompt in the chat: the admin, or the deputy while the group
    # needs an admin.
    prompter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prompt_posted_at = models.DateTimeField(null=True, blank=True)
    prompter_reminded_at = models.DateTimeField(null=True, blank=True)
    dpo_told_at = models.DateTimeField(null=True, blank=True)
    members_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "opens_at"], name="cycle_one_per_slot"),
        ]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                name="cycle_prompted_deadline",
                condition=Q(outcome="prompted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} from {timezone.localtime(self.opens_at):%Y-%m-%d %H:%M}"


class ClearDownPrompt(models.Model):
    """One member asked to clear the chat in one period, and when they confirmed they did."""

    class Via(models.TextChoices):
        EMAIL_LINK = "email_link", "the link in the email"
        PORTAL = "portal", "the portal"

    cycle = models.ForeignKey(ClearDownCycle, on_delete=models.PROTECT, related_name="prompts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clear_down_prompts"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=20, choices=Via.choices, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="prompt_one_per_member"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_via="")
                | Q(confirmed_at__isnull=False) & ~Q(confirmed_via=""),
                name="prompt_confirmed_says_how",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], name="prompt_unconfirmed", condition=Q(confirmed_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cycle}"


class Concern(models.Model):
    """A concern about a group raised with the DPO by any member of staff, and what the DPO
    did about it."""

    class Kind(models.TextChoices):
        WRONG_CONTENT = "wrong_content", "Something was posted that should not have been"
        WRONG_MEMBER = "wrong_member", "Someone is in the group who should not be"
        UNREGISTERED = "unregistered", "A work group that is not on the register"
        OTHER = "other", "Something else"

    group = models.ForeignKey(
        ChatGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    # For a group not on the register: what it is called, as the person knows it.
    group_described = models.CharField("the group's name", max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    action_taken = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(group_described=""),
                name="concern_names_a_group",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, action_taken="")
                | Q(resolved_at__isnull=False) & ~Q(action_taken=""),
                name="concern_resolved_says_what_was_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"


class Review(models.Model):
    """The admin's periodic review of an approved group: the purpose still holds and the
    membership is right (or they closed the group instead)."""

    group = models.ForeignKey(ChatGroup, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    purpose_holds = models.BooleanField()
    membership_right = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.group}"


class HoldQuerySet(models.QuerySet["Hold"]):
    def open(self) -> "HoldQuerySet":
        return self.filter(released_at__isnull=True)


class Hold(models.Model):
    """An FOI request, subject access request, investigation or litigation that means nothing
    may be deleted from some groups' chats. While it is open those groups get no clear-down
    prompt and their members are told not to delete anything. A hold is released, never
    deleted, so the record of why chats were kept stays."""

    class Kind(models.TextChoices):
        FOI = "foi", "Freedom of information request"
        SAR = "sar", "Subject access request"
        INVESTIGATION = "investigation", "Investigation"
        LITIGATION = "litigation", "Litigation"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=100)
    request_received_on = models.DateField("date the request arrived")
    note = models.TextField(blank=True)
    # A hold on a person covers every group they were in when it was placed.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    groups = models.ManyToManyField(ChatGroup, related_name="holds")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="hold_has_reference"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, release_reason="")
                | Q(released_at__isnull=False) & ~Q(release_reason=""),
                name="hold_released_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class HoldNotice(models.Model):
    """The notice not to delete, to one person (a group's admin or member) under one hold:
    when it was issued, acknowledged, reminded, escalated to their line manager, reissued."""

    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hold_notices"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reissued_at = models.DateTimeField(null=True, blank=True)
    release_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hold", "user"], name="hold_notice_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.hold} notice to {self.user}"


class HoldSearch(models.Model):
    """The search the DPO made for the request behind a hold: when, by whom, which groups,
    what was found and copied. The answer to the requester rests on it."""

    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="searches")
    searched_at = models.DateTimeField()
    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    groups = models.ManyToManyField(ChatGroup, related_name="+")
    found = models.TextField("what was found")
    copied_to = models.TextField("what was copied, and where to", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-searched_at", "-pk"]

    def __str__(self) -> str:
        return f"Search for {self.hold}"
