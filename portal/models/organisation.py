from datetime import timedelta

from django.core.cache import cache
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models, transaction

# Every page shows the organisation's name and logo: the row is read from the cache, not the
# database, and dropped from it whenever it is saved. The timeout bounds how long a process
# whose cache is its own (the embedded default) can show the old row after another saved it.
_CACHE_KEY = "portal:organisation-settings"
_CACHE_SECONDS = 60


class Department(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationSettings(models.Model):
    """The one row of settings that make the portal this organisation's (pk is always 1)."""

    name = models.CharField(max_length=200, default="Your organisation")
    short_name = models.CharField(max_length=40, default="Organisation")
    logo = models.FileField(upload_to="organisation/", blank=True)
    website_url = models.URLField("main website address", blank=True)
    helpdesk_phone = models.CharField("IT helpdesk phone", max_length=40, blank=True)
    helpdesk_email = models.EmailField("IT helpdesk email", blank=True)
    out_of_hours_phone = models.CharField("out-of-hours phone", max_length=40, blank=True)
    dpo_name = models.CharField("Data Protection Officer", max_length=200, blank=True)
    dpo_email = models.EmailField("Data Protection Officer email", blank=True)
    dpo_phone = models.CharField("Data Protection Officer phone", max_length=40, blank=True)
    chief_executive_name = models.CharField("Chief Executive", max_length=200, blank=True)
    chief_executive_email = models.EmailField("Chief Executive email", blank=True)
    clear_down_interval_days = models.PositiveSmallIntegerField(
        "chat clear-down interval (days)", default=7, validators=[MinValueValidator(1)]
    )
    chat_group_review_months = models.PositiveSmallIntegerField(
        "chat group review interval (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    # The conduct watchdog found very large groups: above this, a group needs the DPO's
    # explicit approval of its size.
    chat_group_size_limit = models.PositiveSmallIntegerField(
        "largest chat group without the DPO's approval of its size",
        default=50,
        validators=[MinValueValidator(2)],
    )
    ico_deadline_hours = models.PositiveSmallIntegerField(
        "ICO notification deadline (hours)", default=72, validators=[MinValueValidator(1)]
    )
    # Incidents: the DPO and deputy are reminded of a report not yet triaged after this long,
    # and alerted when this many hours are left on the ICO clock (and when it has run out).
    incident_triage_reminder_hours = models.PositiveSmallIntegerField(
        "reminder of an untriaged incident after (hours)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    ico_alert_hours = models.CharField(
        "ICO deadline alerts (hours left)",
        max_length=40,
        default="24,6",
        validators=[validate_comma_separated_integer_list],
    )
    # Social media: owners confirm their account is right every this many months; a password
    # due for a change is chased every this many days until a new one is recorded.
    social_review_months = models.PositiveSmallIntegerField(
        "social media account review every (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    social_rotation_reminder_days = models.PositiveSmallIntegerField(
        "reminder of a password change due every (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # The furthest a policy administrator may move one person's declaration due date, counted
    # from today: an open-ended extension would quietly stop their reminders for good.
    max_extension_days = models.PositiveSmallIntegerField(
        "longest declaration extension (days)",
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    # How long each kind of record is kept, in months, by retention rule key (see
    # portal.registry.RetentionRule); a kind not named here keeps its rule's default.
    retention_months = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="org_settings_singleton")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Dropped now for this transaction's own later reads, and again after commit, in case
        # another request cached the old row in between.
        cache.delete(_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(_CACHE_KEY))

    @classmethod
    def load(cls) -> "OrganisationSettings":
        """The settings, from the cache when they are there (each caller gets its own copy)."""
        obj = cache.get(_CACHE_KEY)
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
            cache.set(_CACHE_KEY, obj, _CACHE_SECONDS)
        return obj

    @property
    def clear_down_interval(self) -> timedelta:
        return timedelta(days=self.clear_down_interval_days)

    def retention_months_for(self, key: str, default: int) -> int:
        return int(self.retention_months.get(key, default))

    @property
    def ico_deadline(self) -> timedelta:
        return timedelta(hours=self.ico_deadline_hours)

    @property
    def ico_alert_points(self) -> list[timedelta]:
        """How long before the ICO deadline each alert goes, the earliest first."""
        hours = {int(part) for part in self.ico_alert_hours.split(",") if part.strip()}
        return [timedelta(hours=h) for h in sorted(hours, reverse=True) if h > 0]
