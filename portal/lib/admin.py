"""Django admin for records that are evidence or are changed elsewhere: visible, never editable.

Changes to them go through the portal's pages and services, which write the audit trail; an
editable admin would be a way round it.
"""

from django.contrib import admin


class ReadOnlyMixin:
    """Refuses adding, changing and deleting: for a ModelAdmin or an inline alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A ModelAdmin that only shows: no bulk actions either."""

    actions = None
