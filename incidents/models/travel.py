"""Telling Information Security about travel abroad with a work device (seed 004 paragraph 53:
at least 7 days before). Told later is still accepted, flagged, with the reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

_USER = settings.AUTH_USER_MODEL

# Seed 004 paragraph 53.
NOTICE_DAYS = 7


class TravelNotice(models.Model):
    traveller = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="travel_notices")
    destination = models.CharField("where you are going", max_length=200)
    departs_on = models.DateField("the day you leave")
    returns_on = models.DateField("the day you are back")
    devices = models.TextField("the work devices you are taking")
    # Told fewer than NOTICE_DAYS before leaving: kept, flagged, with the reason.
    short_notice = models.BooleanField(default=False)
    short_notice_reason = models.TextField(blank=True)
    told_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["departs_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returns_on__gte=models.F("departs_on")),
                name="travel_back_after_leaving",
            ),
            models.CheckConstraint(
                condition=Q(short_notice=False) | ~Q(short_notice_reason=""),
                name="travel_short_notice_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.destination} ({self.departs_on})"


class TravelAdvice(models.Model):
    """One piece of Information Security's (the helpdesk's) advice on a trip, each emailed to
    the traveller. Append-only: advice given again is a new row, so what the traveller was told,
    by whom and when is never overwritten (on PostgreSQL a trigger refuses UPDATE and DELETE,
    migration 0003_travel_advice)."""

    notice = models.ForeignKey(TravelNotice, on_delete=models.PROTECT, related_name="advice")
    advice = models.TextField()
    advised_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    advised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["advised_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(advice=""), name="travel_advice_says_something")
        ]

    def __str__(self) -> str:
        return f"Advice on {self.notice_id} at {self.advised_at}"
