"""Online drafts, uploads (content checks), submission (idempotent), counter reception, national
import, codes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.dossiers import services
from chinhquyenso.dossiers.models import Dossier, DossierComponent, DossierFee, Slip
from chinhquyenso.dossiers.services import Conflict, DossierError, NotAllowed
from chinhquyenso.dossiers.workflow import Channel, Status

from .factories import APPLICANT, PDF, at, counter_dossier, online_dossier

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def _draft(w):
    return services.start_draft(user=w.citizen, procedure_version=w.version, resolving_agency=w.commune_pc,
                                reception_agency=w.centre, at=at(2026, 3, 2, 9))


def test_draft_prefills_the_applicant_and_copies_fees(world):
    d = _draft(world)
    assert (d.status, d.code, d.channel) == (Status.DRAFT, None, Channel.ONLINE)
    assert (d.applicant_name, d.applicant_phone, d.applicant_name_folded) == ("Lê Thị Hoa", "0912345678", "le thi hoa")
    assert list(d.fees.values_list("amount", flat=True)) == [8000] and d.fee_total == 8000
    assert d.sync_version == 0  # drafts are never synced


def test_reception_defaults_to_the_resolving_agencys_centre(world):
    d = services.start_draft(user=world.citizen, procedure_version=world.version, resolving_agency=world.commune_pc)
    assert d.reception_agency_id == world.centre.pk


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.pdf", b"MZ\x90\x00 this is an exe", "bad_type"),
        ("anh.png", b"GIF89a......", "bad_type"),
        ("hong.pdf", b"%PDF-1.4\n garbage without objects", "broken_pdf"),
        ("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "broken_image"),
        ("rong.pdf", b"", "empty_file"),
    ],
)
def test_bad_files_are_rejected_and_nothing_is_stored(world, settings, name, content, code):
    d = _draft(world)
    with pytest.raises(DossierError) as info:
        services.attach_component(d, actor=world.citizen, spec=world.version.components.first(),
                                  uploaded_file=SimpleUploadedFile(name, content))
    assert info.value.code == code and info.value.text
    assert not DossierComponent.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_oversized_file_rejected(world, settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 1000
    d = _draft(world)
    with pytest.raises(DossierError, match="quá lớn"):
        services.attach_component(d, actor=world.citizen, spec=world.version.components.first(),
                                  uploaded_file=SimpleUploadedFile("big.pdf", PDF + b"%" * 2000))
    assert not DossierComponent.objects.exists()


def test_good_files_are_stored_with_their_hash(world):
    import hashlib

    d = _draft(world)
    spec = world.version.components.first()
    c = services.attach_component(d, actor=world.citizen, spec=spec, uploaded_file=SimpleUploadedFile("tk.pdf", PDF))
    assert (c.content_type, c.size, c.sha256) == ("application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    c2 = services.attach_component(d, actor=world.citizen, spec=spec.pk, uploaded_file=SimpleUploadedFile("x.png", _png()))
    assert c2.content_type == "image/png"
    c.refresh_from_db()
    assert c.is_deleted  # replaced on the draft
    with pytest.raises(NotAllowed):
        services.attach_component(d, actor=world.other_citizen, spec=spec, uploaded_file=SimpleUploadedFile("x.pdf", PDF))
    with pytest.raises(DossierError, match="không thuộc"):
        services.attach_component(d, actor=world.citizen, spec=999999, uploaded_file=SimpleUploadedFile("x.pdf", PDF))


def test_submit_needs_the_required_components(world):
    d = _draft(world)
    with pytest.raises(DossierError, match="Tờ khai đăng ký khai sinh"):
        services.submit(d, user=world.citizen)
    assert Dossier.objects.get(pk=d.pk).status == Status.DRAFT


def test_submit_gives_a_code_and_is_idempotent(world):
    d = _draft(world)
    services.attach_component(d, actor=world.citizen, spec=world.version.components.first(),
                              uploaded_file=SimpleUploadedFile("tk.pdf", PDF))
    first = services.submit(d, user=world.citizen, idempotency_key="abc-1", at=at(2026, 3, 2, 9, 5))
    assert first.status == Status.NEW and first.code == f"{world.centre.code}-260302-0001"
    again = services.submit(d, user=world.citizen, idempotency_key="abc-1", at=at(2026, 3, 2, 9, 6))
    assert again.pk == first.pk and again.code == first.code
    assert services.submit(d, user=world.citizen).pk == first.pk  # a refresh without the key
    # The same key on another draft (a retried API call) returns the first dossier too.
    other = _draft(world)
    assert services.submit(other, user=world.citizen, idempotency_key="abc-1").pk == first.pk
    assert Dossier.objects.filter(status=Status.NEW).count() == 1
    assert first.log.count() == 1
    with pytest.raises(NotAllowed):
        services.submit(other, user=world.other_citizen)


def test_counter_reception(world):
    d = counter_dossier(world, at(2026, 2, 13, 15, 10))  # after 15:00 before Tết
    assert d.status == Status.RECEIVED and d.channel == Channel.IN_PERSON
    assert d.code == f"{world.centre.code}-260213-0001"
    assert (d.received_at, d.counting_started_at, d.due_at) == (
        at(2026, 2, 13, 15, 10), at(2026, 2, 23, 7, 30), at(2026, 2, 26, 17))
    assert d.resolving_agency_id == world.commune_pc.pk  # the centre's People's Committee
    assert d.current_assignee_id == world.officer.pk and d.current_step.kind == "receive"
    entry = d.log.get()
    assert (entry.action, entry.status_before, entry.status_after, entry.actor_name) == (
        "receive_at_counter", None, Status.RECEIVED, "Trần Văn Bình")
    assert Slip.objects.filter(dossier=d, kind="BM01").exists()
    second = counter_dossier(world, at(2026, 2, 13, 16))
    assert second.code.endswith("-260213-0002")


def test_counter_reception_with_a_scan_and_idempotency(world):
    spec = world.version.components.first()
    kwargs = dict(officer=world.officer, reception_agency=world.centre, procedure_version=world.version,
                  applicant=APPLICANT, components=[{"spec": spec.pk, "file": SimpleUploadedFile("scan.pdf", PDF)}],
                  idempotency_key="quay-1", at=at(2026, 3, 2, 9))
    d = services.receive_at_counter(**kwargs)
    c = d.components.get()
    assert c.digitized and c.sha256
    assert services.receive_at_counter(**kwargs).pk == d.pk


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"components": []}, DossierError),  # the required form is missing
        ({"components": [{"spec": 1, "file": SimpleUploadedFile("x.pdf", b"not a pdf")}]}, DossierError),
        ({"applicant": {"name": ""}}, DossierError),
        ({"applicant": {**APPLICANT, "phone": "abc"}}, DossierError),
        ({"channel": Channel.ONLINE}, DossierError),
        ({"officer": "specialist"}, NotAllowed),
        ({"officer": "other_officer"}, NotAllowed),
    ],
)
def test_counter_reception_refused(world, change, error):
    spec = world.version.components.first()
    kwargs = dict(officer=world.officer, reception_agency=world.centre, procedure_version=world.version,
                  applicant=APPLICANT, components=[{"spec": spec}], at=at(2026, 3, 2, 9))
    if "components" in change and change["components"]:
        change = {"components": [{**change["components"][0], "spec": spec.pk}]}
    if "officer" in change:
        change = {"officer": getattr(world, change["officer"])}
    kwargs.update(change)
    with pytest.raises(error):
        services.receive_at_counter(**kwargs)
    assert not Dossier.objects.exists() and not DossierFee.objects.exists()


def test_national_import_is_idempotent(world):
    kwargs = dict(procedure_version=world.version, reception_agency=world.centre, applicant=APPLICANT,
                  national_reference="G22.99-260302-000123", submitted_at=at(2026, 3, 2, 8),
                  components=[{"spec": world.version.components.first().pk, "file": PDF, "file_name": "tk.pdf"}])
    d = services.import_from_national_portal(**kwargs)
    assert (d.status, d.channel, d.national_reference) == (Status.NEW, Channel.ONLINE, "G22.99-260302-000123")
    assert d.code.startswith(world.centre.code) and d.components.get().sha256
    assert services.import_from_national_portal(**kwargs).pk == d.pk
    assert d.sync_version == 1
    d = services.perform(d.pk, "receive", actor=world.officer, at=at(2026, 3, 2, 9))
    assert d.status == Status.RECEIVED


def test_online_dossier_submitted_then_withdrawn_by_owner(world):
    d = online_dossier(world, at(2026, 3, 2, 9))
    with pytest.raises(Conflict):
        services.save_draft(d, user=world.citizen, form_data={"a": 1})
    services.perform(d.pk, "withdraw", actor=world.citizen, reason="Nộp nhầm")
    assert Dossier.objects.get(pk=d.pk).status == Status.WITHDRAWN
