"""Django admin for declarations: read-only. Every change goes through the portal's pages and
services, which write the audit trail; here the system administrator can only look."""

from django.contrib import admin

from declarations.models import (
    Campaign,
    Declaration,
    ExtraStatement,
    Obligation,
    Policy,
    PolicyVersion,
)
from portal.lib.admin import ReadOnlyAdmin, ReadOnlyMixin


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "owner"]
    search_fields = ["title", "slug"]
    list_select_related = ["owner"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "policy",
        "label",
        "status",
        "effective_date",
        "published_at",
        "material_change",
    ]
    list_filter = ["status", "material_change"]
    search_fields = ["policy__title", "label", "content_sha256"]
    list_select_related = ["policy"]


class ExtraStatementInline(ReadOnlyMixin, admin.TabularInline):
    model = ExtraStatement
    fields = ["title", "audience", "text"]
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "status", "opens_at", "due_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    inlines = [ExtraStatementInline]


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["user", "campaign", "status", "due_at", "reminders_sent"]
    list_filter = ["status", "campaign"]
    search_fields = ["user__full_name", "user__email", "user__staff_number"]
    list_select_related = ["user", "campaign"]
    raw_id_fields = ["user", "campaign"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    """The evidence of what was signed: never editable, never deletable (the database agrees)."""

    list_display = ["user", "campaign", "signed_at", "typed_name", "ip_address"]
    list_filter = ["campaign"]
    search_fields = ["user__full_name", "user__email", "user__staff_number", "typed_name"]
    list_select_related = ["user", "campaign"]
    raw_id_fields = ["user", "campaign", "obligation"]
    date_hierarchy = "signed_at"
