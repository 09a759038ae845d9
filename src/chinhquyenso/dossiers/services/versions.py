"""The parts of a procedure version a new dossier copies (component specs, process steps, fees),
read once per process and kept while the version is frozen.

A published (or retired) version never changes: procedures.services refuses edits and its parts
refuse save() and delete() (procedures.models.VersionPart). So a counter reception, an online
draft or a national-portal import need not read the same three tables again for every dossier
of a version — at a busy desk that is most of the reads of the request. Drafts are never
cached. The key also carries the version's creation time, so a row id used again (SQLite reuses
ids after a rolled-back test) cannot find another version's parts, and any ORM write or delete
of a version or a part drops the version's entry (signals below) in the process that made it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models.signals import post_delete, post_save

from chinhquyenso.procedures.models import (
    ComponentSpec,
    FeeSpec,
    ProcedureVersion,
    ProcessStep,
    VersionStatus,
)

MAX_VERSIONS = 2048  # a province publishes ~2,000 procedures; each entry is a few small rows


@dataclass(frozen=True)
class VersionParts:
    components: tuple[ComponentSpec, ...]
    steps: tuple[ProcessStep, ...]
    fees: tuple[FeeSpec, ...]

    @property
    def total_fee(self) -> Decimal:
        """ProcedureVersion.total_fee without the query."""
        return sum((fee.amount for fee in self.fees), Decimal(0))

    @property
    def first_step(self) -> ProcessStep | None:
        return self.steps[0] if self.steps else None


_cache: dict[tuple, VersionParts] = {}


def _load(version: ProcedureVersion) -> VersionParts:
    return VersionParts(
        components=tuple(ComponentSpec.objects.filter(version_id=version.pk).order_by("order")),
        steps=tuple(ProcessStep.objects.filter(version_id=version.pk).order_by("order")),
        fees=tuple(FeeSpec.objects.filter(version_id=version.pk).order_by("order")),
    )


def parts(version: ProcedureVersion) -> VersionParts:
    """The version's component specs, steps and fees, each in catalogue order. Read-only: the
    rows are shared by every request of the process."""
    if version.status == VersionStatus.DRAFT or version.pk is None:
        return _load(version)
    key = (version.pk, version.created_at)
    found = _cache.get(key)
    if found is None:
        found = _load(version)
        if len(_cache) >= MAX_VERSIONS:
            _cache.clear()
        _cache[key] = found
    return found


def forget(version_id: int | None = None) -> None:
    """Drop the cached parts of one version (all versions when None)."""
    if version_id is None:
        _cache.clear()
        return
    for key in [k for k in list(_cache) if k[0] == version_id]:
        _cache.pop(key, None)


def _changed(sender, instance, **kwargs) -> None:
    forget(instance.pk if sender is ProcedureVersion else instance.version_id)


for _model in (ProcedureVersion, ComponentSpec, ProcessStep, FeeSpec):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"dossiers.versions.{_model.__name__}.save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"dossiers.versions.{_model.__name__}.delete")
