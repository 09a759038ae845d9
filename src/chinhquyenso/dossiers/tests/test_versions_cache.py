"""dossiers.services.versions: the frozen parts of a published version are read once per process;
drafts are never cached; writing a version or a part drops its entry."""

import pytest
from django.db.models.signals import post_save

from chinhquyenso.dossiers.services import versions
from chinhquyenso.procedures.models import ComponentSpec, ProcedureVersion, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    versions.forget()
    yield
    versions.forget()


def test_published_parts_are_read_once(world, django_assert_num_queries):
    version = ProcedureVersion.objects.get(pk=world.version.pk)
    with django_assert_num_queries(3):  # components, steps, fees
        parts = versions.parts(version)
    assert [c.order for c in parts.components] == [1, 2]
    assert parts.first_step.order == 1 and parts.total_fee == sum(f.amount for f in parts.fees)
    with django_assert_num_queries(0):
        assert versions.parts(version) is parts


def test_drafts_are_read_every_time(world, django_assert_num_queries):
    version = world.version
    ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.DRAFT)
    version.refresh_from_db()
    versions.parts(version)
    with django_assert_num_queries(3):
        versions.parts(version)


def test_a_write_drops_the_entry(world, django_assert_num_queries):
    version = world.version
    first = versions.parts(version)
    # A published version's parts refuse save() (VersionPart): change the row behind the model's
    # back, then send the signal an ORM write sends.
    spec = ComponentSpec.objects.filter(version=version).first()
    ComponentSpec.objects.filter(pk=spec.pk).update(name="Tờ khai (mẫu mới)")
    spec.refresh_from_db()
    post_save.send(sender=ComponentSpec, instance=spec, created=False)
    with django_assert_num_queries(3):
        again = versions.parts(version)
    assert again is not first and again.components[0].name == "Tờ khai (mẫu mới)"


def test_the_key_carries_the_creation_time(world):
    """An id used again (SQLite reuses them after a rolled-back test) is another version."""
    version = world.version
    cached = versions.parts(version)
    other = ProcedureVersion(pk=version.pk, status=VersionStatus.PUBLISHED, created_at=None)
    assert versions.parts(other) is not cached
