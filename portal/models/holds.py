from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def open(self) -> "LegalHoldQuerySet":
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A hold on records: an FOI request, a subject access request, an investigation or
    litigation. While it is open nothing it covers is disposed of or erased, whatever the
    retention period says (deleting information once a request has arrived can be an offence).

    It covers either every record of one kind (`record_type`, a retention rule's key) or one
    record (`content_type` and `object_id`). A hold is lifted, never deleted, so the record of
    why records were kept stays.
    """

    record_type = models.CharField("kind of record", max_length=80, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # A kind of record, or one record: never both, never neither.
            models.CheckConstraint(
                condition=(
                    ~models.Q(record_type="") & models.Q(content_type__isnull=True, object_id="")
                )
                | (models.Q(record_type="", content_type__isnull=False) & ~models.Q(object_id="")),
                name="legal_hold_covers_a_kind_or_a_record",
            ),
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True, lift_reason="")
                | models.Q(lifted_at__isnull=False),
                name="legal_hold_lift_reason_only_when_lifted",
            ),
        ]

    def __str__(self) -> str:
        return f"Hold {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None
