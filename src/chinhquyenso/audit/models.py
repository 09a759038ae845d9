from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class AuditImmutableError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Nhật ký kiểm toán không được sửa.")

    def delete(self):
        raise AuditImmutableError("Nhật ký kiểm toán không được xóa.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One write made through the service layer. Append-only: the application refuses updates and
    deletes, and database triggers (migration 0002) refuse them from any other client too."""

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(max_length=255, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    via = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)  # app_label.modelname
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Denormalised so a national deployment can shard the trail by province like its records.
    province_code = models.CharField(max_length=8, blank=True, db_index=True)
    # The hash chain (chain.py, ADR 0013). content_hash is computed when the entry is written; seq,
    # prev_hash and hash when it is sealed: at insert on SQLite, at commit on PostgreSQL (deferred
    # trigger), so the chain order is the commit order and never forks.
    content_hash = models.CharField(max_length=64, blank=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")]
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký kiểm toán"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditImmutableError("Nhật ký kiểm toán không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Nhật ký kiểm toán không được xóa.")


class ChainHead(models.Model):
    """The end of the chain: one row (id 1) holding the last sealed position and hash. Every seal
    locks it, which serializes appends; its values also reveal entries cut from the end."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    last_entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"{self.seq}:{self.last_hash}"
