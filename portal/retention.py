"""How long the portal's own records are kept (see portal.registry.RetentionRule); registered
from portal.plugin like any app's."""

from datetime import datetime

from axes.models import AccessLog
from django.db.models import QuerySet

from portal.models import Notification


def _sent_messages(cut_off: datetime) -> QuerySet[Notification]:
    # Only messages whose delivery is over: a pending one is still owed to someone.
    return Notification.objects.filter(
        status__in=(Notification.Status.SENT, Notification.Status.FAILED),
        created_at__lt=cut_off,
    )


def _dispose_messages(rows: list[Notification]) -> int:
    return Notification.objects.filter(pk__in=[row.pk for row in rows]).delete()[0]


def _sign_ins(cut_off: datetime) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(attempt_time__lt=cut_off)


def _dispose_sign_ins(rows: list[AccessLog]) -> int:
    return AccessLog.objects.filter(pk__in=[row.pk for row in rows]).delete()[0]


NOTIFICATIONS_KEY = "portal.notifications"
SIGN_INS_KEY = "portal.sign_ins"
