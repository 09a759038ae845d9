from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit

from . import conf


def signing_storage() -> FileSystemStorage:
    """Signature and seal images live next to the keys, outside MEDIA_ROOT: they are never served
    as public files (a seal image on the open web is an invitation to forge paper copies)."""
    return FileSystemStorage(location=conf.signing_dir(), base_url=None)


class Backend(models.TextChoices):
    PKCS12 = "pkcs12", "Tệp PKCS#12 (.p12/.pfx)"
    PKCS11 = "pkcs11", "Thiết bị PKCS#11 (USB token, HSM)"
    REMOTE = "remote", "Dịch vụ ký số từ xa"


class SigningCredential(models.Model):
    """Where the key of one signer lives, and the image shown with their signature.

    The owner is a person (their personal signature, with a blue handwritten-signature image) or an
    agency (the organisation's signature, with the red seal image) — Decree 30/2020 Art. 5 needs
    both on an electronic document for it to carry the value of the paper original.

    `config` depends on `backend` (no secret is ever stored here, only where to find it):
      - pkcs12: {"p12_path": "keys/x.p12", "passphrase_env": "VAR"} or {"passphrase_file": "keys/x.pass"}
      - pkcs11: {"module_path": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "...",
                 "key_label": "...", "cert_label": "..." (default key_label), "pin_env": "VAR"}
                 or "pin_file"
      - remote: {"credential_id": "<id at the signing service>"}
    """

    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="signing_credentials", verbose_name="người ký",
    )
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_credentials",
        verbose_name="cơ quan",
    )
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    label = models.CharField("tên gọi", max_length=150)
    backend = models.CharField("nơi giữ khóa", max_length=10, choices=Backend.choices)
    config = models.JSONField("cấu hình", default=dict, blank=True)
    image = models.FileField(
        "ảnh chữ ký / con dấu", storage=signing_storage, upload_to="images/", blank=True, max_length=255
    )
    # Decree 30 Appendix I: the seal image is shown at its actual size. [I] commune seals are
    # about 35 mm across; the real size is data per agency.
    image_width_mm = models.DecimalField("chiều rộng ảnh (mm)", max_digits=5, decimal_places=1, null=True, blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = "chứng thư ký số"
        verbose_name_plural = "chứng thư ký số"
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_user__isnull=False) & Q(owner_agency__isnull=True))
                | (Q(owner_user__isnull=True) & Q(owner_agency__isnull=False)),
                name="signing_credential_one_owner",
            ),
            models.UniqueConstraint(
                fields=["owner_user"], condition=Q(is_active=True) & Q(owner_user__isnull=False),
                name="signing_credential_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["owner_agency"], condition=Q(is_active=True) & Q(owner_agency__isnull=False),
                name="signing_credential_one_active_per_agency",
            ),
        ]
        indexes = [models.Index(fields=["province", "is_active"])]

    def __str__(self) -> str:
        return self.label


class SignatureKind(models.TextChoices):
    PERSONAL = "personal", "Chữ ký cá nhân"
    ORGANIZATION = "organization", "Chữ ký của cơ quan"
    ATTACHMENT = "attachment", "Chữ ký cơ quan trên tệp đính kèm"


class SignatureRecord(models.Model):
    """One signature the platform made: who, on which bytes, giving which bytes, when, at what
    PAdES level. Append-only; the signed file itself belongs to the caller (documents, dossiers)."""

    credential = models.ForeignKey(SigningCredential, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=20, choices=SignatureKind.choices)
    level = models.CharField(max_length=8)
    field_name = models.CharField(max_length=64)
    input_sha256 = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64, db_index=True)
    signed_at = models.DateTimeField()
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = "lượt ký số"
        verbose_name_plural = "lượt ký số"
        indexes = [models.Index(fields=["province", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.credential} — {self.signed_at:%Y-%m-%d %H:%M:%S}"
