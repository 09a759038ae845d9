from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin

from .models import SignatureRecord, SigningCredential


@admin.register(SigningCredential)
class SigningCredentialAdmin(ReadOnlyAdmin):
    """Read-only: credentials are created through services.create_credential (audited), e.g. by
    `manage.py make_demo_pki`; config holds paths and env-var names, never secrets."""

    list_display = ["label", "backend", "owner_user", "owner_agency", "is_active", "created_at"]
    list_filter = ["backend", "is_active"]
    search_fields = ["label"]


@admin.register(SignatureRecord)
class SignatureRecordAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "kind", "level", "credential", "output_sha256"]
    list_filter = ["kind", "level"]
