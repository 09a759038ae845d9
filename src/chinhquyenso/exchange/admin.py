from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin

from .models import ExchangeEndpoint, Message


@admin.register(ExchangeEndpoint)
class ExchangeEndpointAdmin(ReadOnlyAdmin):
    """Endpoints are written by services.save_endpoint (audited); the admin shows them."""

    list_display = ["organ_id", "organ_name", "agency", "transport", "hosted", "is_active"]
    search_fields = ["organ_id", "organ_name", "agency__name"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "direction", "kind", "status", "peer_organ_id", "code", "remote_status", "created_at"]
    list_filter = ["direction", "kind", "status"]
    search_fields = ["uuid", "document_ref", "code", "peer_organ_id"]
