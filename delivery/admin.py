from django.contrib import admin

from .models import Change, Deployment, Incident, Receipt


class ReadOnlyAdmin(admin.ModelAdmin):
    """Delivery data arrives only by import and API (services.delivery_store), each arrival
    with a receipt and the changes' derived lead times written with it; here staff may
    look, not write. A wrong row is corrected by sending it again with the same id."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "team", "kind", "rows", "channel", "sender"]
    list_filter = ["kind", "channel"]
    list_select_related = ["team"]
    search_fields = ["team__name", "sender"]
    date_hierarchy = "received_at"


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "team", "service", "environment", "finished_at", "status"]
    list_filter = ["environment", "status", "rework"]
    list_select_related = ["team"]
    search_fields = ["external_id", "service", "team__name"]
    date_hierarchy = "finished_at"


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "team", "committed_at", "deployment_id"]
    list_select_related = ["team"]
    search_fields = ["external_id", "deployment_id", "team__name"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "team", "opened_at", "resolved_at", "deployment_id"]
    list_select_related = ["team"]
    search_fields = ["external_id", "deployment_id", "team__name"]
