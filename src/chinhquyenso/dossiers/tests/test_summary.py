"""The dossier's summary columns are kept by database triggers (dossiers.summary), whatever writes
the components, results and supplement requests — and no stale Python object can undo them."""

import pytest

from chinhquyenso.dossiers.models import Dossier, DossierComponent, ResultDocument, SupplementRequest

from .factories import at, counter_dossier

pytestmark = pytest.mark.django_db

DAY = 86400


def _summary(dossier_id: int) -> dict:
    return Dossier.objects.values(
        "has_digitized_component", "has_reused_component", "has_personal_store_component", "has_electronic_result",
        "supplement_wait_seconds", "supplement_shift_seconds").get(pk=dossier_id)


def test_components_and_results(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))
    DossierComponent.objects.filter(dossier=d).delete()
    assert _summary(d.pk) == {"has_digitized_component": False, "has_reused_component": False,
                              "has_personal_store_component": False, "has_electronic_result": False,
                              "supplement_wait_seconds": 0, "supplement_shift_seconds": 0}
    scanned = DossierComponent.objects.create(dossier=d, province=d.province, name="Tờ khai", digitized=True)
    DossierComponent.objects.create(dossier=d, province=d.province, name="CCCD", reused=True)
    s = _summary(d.pk)
    assert (s["has_digitized_component"], s["has_reused_component"], s["has_personal_store_component"]) == (
        True, True, False)
    scanned.is_deleted = True  # withdrawn before reception: no longer counts (IsDeleted)
    scanned.save()
    assert _summary(d.pk)["has_digitized_component"] is False
    paper = ResultDocument.objects.create(dossier=d, province=d.province, name="Giấy khai sinh")
    assert _summary(d.pk)["has_electronic_result"] is False
    ResultDocument.objects.create(dossier=d, province=d.province, name="Bản điện tử", electronic=True)
    assert _summary(d.pk)["has_electronic_result"] is True
    ResultDocument.objects.filter(electronic=True, dossier=d).delete()
    assert _summary(d.pk)["has_electronic_result"] is False
    paper.delete()
    DossierComponent.objects.filter(dossier=d).delete()
    assert _summary(d.pk)["has_reused_component"] is False


def test_completed_supplements_only(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))
    # Requested Mon 2/3 10:00, NgayHenTra pushed from Thu 5/3 17:00 to Thu 12/3 17:00; supplied 9/3 10:00.
    req = SupplementRequest.objects.create(
        dossier=d, province=d.province, requested_at=at(2026, 3, 2, 10, 0), requested_by=world.officer,
        items=["Bản sao"], reason="Thiếu", respond_by=at(2026, 3, 12, 17, 0),
        due_before=at(2026, 3, 5, 17, 0), due_after=at(2026, 3, 12, 17, 0))
    assert _summary(d.pk)["supplement_wait_seconds"] == 0  # still waiting: nothing subtracted yet
    req.completed_at = at(2026, 3, 9, 10, 0)
    req.save()
    s = _summary(d.pk)
    assert (s["supplement_wait_seconds"], s["supplement_shift_seconds"]) == (7 * DAY, 7 * DAY)


def test_a_stale_object_does_not_undo_the_summary(world):
    d = counter_dossier(world, at(2026, 3, 2, 9, 0))
    stale = Dossier.objects.get(pk=d.pk)  # loaded before the component arrives
    DossierComponent.objects.create(dossier=d, province=d.province, name="Tờ khai", digitized=True)
    stale.applicant_address = "Thôn 2, xã Đông Tiến"
    stale.save()  # a full save: every column but the database-maintained ones
    stale.save(update_fields=["applicant_address", "has_digitized_component"])
    assert _summary(d.pk)["has_digitized_component"] is True
    assert Dossier.objects.get(pk=d.pk).applicant_address == "Thôn 2, xã Đông Tiến"
