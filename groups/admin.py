"""Django admin for the chat-group register: read-only. Every change goes through the portal's
pages and services, which write the audit trail; here the system administrator can only look."""

from django.contrib import admin

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    Concern,
    Hold,
    HoldNotice,
    Membership,
    Submission,
)
from portal.lib.admin import ReadOnlyAdmin


@admin.register(ChatGroup)
class ChatGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "platform", "status", "admin", "needs_admin", "next_cycle_at"]
    list_filter = ["status", "platform", "needs_admin"]
    search_fields = ["name"]
    list_select_related = ["admin"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["group", "kind", "submitted_at", "outcome", "decided_at"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["group"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["group", "user", "added_at", "removed_at", "rules_acknowledged_at"]
    search_fields = ["group__name", "user__full_name", "user__email"]
    list_select_related = ["group", "user"]


@admin.register(ClearDownCycle)
class ClearDownCycleAdmin(ReadOnlyAdmin):
    list_display = ["group", "opens_at", "outcome", "prompt_posted_at"]
    list_filter = ["outcome"]
    list_select_related = ["group"]


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ["pk", "group", "kind", "raised_at", "resolved_at"]
    list_filter = ["kind"]
    list_select_related = ["group"]


# Holds: looked at here, placed and released only through the DPO's pages (audited).
@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "placed_at", "released_at"]
    list_filter = ["kind"]
    search_fields = ["reference"]


@admin.register(HoldNotice)
class HoldNoticeAdmin(ReadOnlyAdmin):
    list_display = ["hold", "user", "issued_at", "acknowledged_at", "escalated_at"]
    list_select_related = ["hold", "user"]
