"""The citizen portal and the officers' workspace pages, driven like a browser would."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyenso.dossiers.models import Dossier, DossierComponent, Slip
from chinhquyenso.dossiers.workflow import Status

from .factories import PDF, counter_dossier, online_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _file_through_wizard(client, w, key="k-1"):
    client.force_login(w.citizen)
    code = w.version.procedure.code
    response = client.post(reverse("dossiers:start", args=[code]), {"agency": w.commune_pc.pk})
    dossier = Dossier.objects.get(applicant_user=w.citizen, status=Status.DRAFT)
    assert response.status_code == 302 and response.url.endswith(f"/{dossier.pk}/nguoi-nop/")
    response = client.post(reverse("dossiers:wizard", args=[dossier.pk, "nguoi-nop"]), {
        "kind": "person", "name": "Lê Thị Hoa", "id_number": "038190000123", "phone": "0912 345 678",
        "address": "Thôn 1", "sets_count": 1, "subject": "Khai sinh cho con",
    })
    assert response.status_code == 302
    spec = w.version.components.get(order=1)
    client.post(reverse("dossiers:upload", args=[dossier.pk, spec.pk]),
                {"file": SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")})
    client.post(reverse("dossiers:wizard", args=[dossier.pk, "nhan-ket-qua"]), {"result_delivery": "online"})
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "kiem-tra"]))
    assert "Kiểm tra lại trước khi nộp" in page.content.decode() and "to-khai.pdf" in page.content.decode()
    return dossier


def test_citizen_files_online_step_by_step_and_double_submit_makes_one_dossier(client, world):
    dossier = _file_through_wizard(client, world)
    url = reverse("dossiers:submit", args=[dossier.pk])
    first = client.post(url, {"idempotency_key": "same-key"})
    second = client.post(url, {"idempotency_key": "same-key"})  # double click / refresh
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW and dossier.code
    assert first.url == second.url == reverse("dossiers:mine_detail", args=[dossier.pk]) + "?moi-nop=1"
    assert Dossier.objects.filter(applicant_user=world.citizen).count() == 1
    page = client.get(first.url).content.decode()
    assert dossier.code in page and "Đã nộp hồ sơ" in page


def test_submit_refused_without_required_component_keeps_draft(client, world):
    client.force_login(world.citizen)
    client.post(reverse("dossiers:start", args=[world.version.procedure.code]), {"agency": world.commune_pc.pk})
    dossier = Dossier.objects.get(applicant_user=world.citizen)
    client.post(reverse("dossiers:wizard", args=[dossier.pk, "nguoi-nop"]),
                {"kind": "person", "name": "Lê Thị Hoa", "phone": "0912345678", "sets_count": 1})
    page = client.get(reverse("dossiers:wizard", args=[dossier.pk, "kiem-tra"])).content.decode()
    assert "Còn thiếu giấy tờ bắt buộc" in page
    response = client.post(reverse("dossiers:submit", args=[dossier.pk]), {"idempotency_key": "x"}, follow=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and not dossier.code
    assert "Tờ khai" in response.content.decode()


def test_bad_upload_is_refused_and_nothing_stored(client, world):
    client.force_login(world.citizen)
    client.post(reverse("dossiers:start", args=[world.version.procedure.code]), {"agency": world.commune_pc.pk})
    dossier = Dossier.objects.get(applicant_user=world.citizen)
    spec = world.version.components.get(order=1)
    response = client.post(reverse("dossiers:upload", args=[dossier.pk, spec.pk]),
                           {"file": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert DossierComponent.objects.filter(dossier=dossier).count() == 0
    assert "msg-error" in response.content.decode()


def test_wizard_rejects_bad_applicant_with_400(client, world):
    client.force_login(world.citizen)
    client.post(reverse("dossiers:start", args=[world.version.procedure.code]), {"agency": world.commune_pc.pk})
    dossier = Dossier.objects.get(applicant_user=world.citizen)
    response = client.post(reverse("dossiers:wizard", args=[dossier.pk, "nguoi-nop"]),
                           {"kind": "person", "name": "", "phone": "abc", "sets_count": 1})
    assert response.status_code == 400


def test_a_citizen_sees_only_their_own_dossiers(client, world):
    theirs = online_dossier(world, None)
    client.force_login(world.other_citizen)
    assert client.get(reverse("dossiers:mine_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("dossiers:wizard", args=[theirs.pk, "kiem-tra"])).status_code == 404
    assert theirs.code not in client.get(reverse("dossiers:mine")).content.decode()
    client.force_login(world.citizen)
    assert theirs.code in client.get(reverse("dossiers:mine")).content.decode()


def test_public_lookup_by_code_and_phone(client, world):
    dossier = online_dossier(world, None)
    url = reverse("dossiers:lookup")
    found = client.get(url, {"ma": dossier.code, "dien_thoai": "0912345678"})
    assert found.status_code == 200 and dossier.code in found.content.decode()
    assert "Lê Thị Hoa" not in found.content.decode()  # the name is masked
    assert client.get(url, {"ma": dossier.code, "dien_thoai": "0900000000"}).status_code == 404
    assert client.get(url, {"ma": dossier.code}).status_code == 200  # the QR link: code prefilled


def test_public_lookup_is_rate_limited(client, world):
    url = reverse("dossiers:lookup")
    statuses = {client.get(url, {"ma": f"X-{i}", "dien_thoai": "0912345678"}).status_code for i in range(31)}
    assert client.get(url, {"ma": "X", "dien_thoai": "0912345678"}).status_code == 429
    assert 404 in statuses


def test_officer_queue_is_scoped_and_constant_in_queries(client, world, django_assert_max_num_queries):
    online_dossier(world, None)
    client.force_login(world.officer)
    url = reverse("dossiers:queue_tab", args=["tiep-nhan"])
    response = client.get(url)
    assert response.status_code == 200 and response.context["page"].paginator.count == 1
    for _ in range(5):
        online_dossier(world, None)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.context["page"].paginator.count == 6
    client.force_login(world.other_officer)
    assert client.get(url).context["page"].paginator.count == 0
    client.force_login(world.citizen)
    assert client.get(url).status_code == 403


def test_queue_filters_by_code_and_status(client, world):
    a = online_dossier(world, None)
    online_dossier(world, None)
    client.force_login(world.officer)
    response = client.get(reverse("dossiers:queue"), {"q": a.code})
    assert [d.pk for d in response.context["page"].object_list] == [a.pk]
    response = client.get(reverse("dossiers:queue"), {"status": "10"})
    assert response.context["page"].paginator.count == 0
    assert client.get(reverse("dossiers:queue"), {"status": "abc"}).status_code == 400


def test_officer_receives_and_transfers_from_the_dossier_page(client, world):
    dossier = online_dossier(world, None)
    client.force_login(world.officer)
    page = client.get(reverse("dossiers:office_detail", args=[dossier.pk])).content.decode()
    assert "Tiếp nhận hồ sơ" in page and "Từ chối tiếp nhận" in page
    client.post(reverse("dossiers:act", args=[dossier.pk, "receive"]))
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.due_at is not None
    assert Slip.objects.filter(dossier=dossier, kind="BM01").exists()
    client.post(reverse("dossiers:act", args=[dossier.pk, "transfer"]), {"assignee": world.specialist.pk})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.current_assignee == world.specialist


def test_refusal_needs_a_reason_and_other_agencies_cannot_act(client, world):
    dossier = online_dossier(world, None)
    client.force_login(world.officer)
    response = client.post(reverse("dossiers:act", args=[dossier.pk, "refuse"]), follow=True)
    assert "lý do" in response.content.decode().lower()
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    client.force_login(world.other_officer)
    assert client.post(reverse("dossiers:act", args=[dossier.pk, "receive"])).status_code == 404
    assert client.get(reverse("dossiers:office_detail", args=[dossier.pk])).status_code == 404


def test_counter_reception_creates_a_received_dossier_with_its_receipt(client, world):
    client.force_login(world.officer)
    url = reverse("dossiers:counter")
    page = client.get(url, {"version": world.version.pk})
    assert page.status_code == 200
    spec = world.version.components.get(order=1)
    response = client.post(url + f"?version={world.version.pk}", {
        "centre": world.centre.pk, "kind": "person", "name": "Phạm Văn Tư", "phone": "0987000111", "sets_count": 1,
        f"c{spec.pk}": "1", f"f{spec.pk}": SimpleUploadedFile("scan.pdf", PDF), "channel": 1,
        "result_delivery": "counter", "idempotency_key": "counter-1",
    })
    dossier = Dossier.objects.get(applicant_name="Phạm Văn Tư")
    assert response.status_code == 302 and dossier.status == Status.RECEIVED and dossier.channel == 1
    assert dossier.components.get().digitized is True
    assert Slip.objects.filter(dossier=dossier, kind="BM01").exists()


def test_counter_reception_is_for_one_stop_officers_only(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("dossiers:counter")).status_code == 403


def test_citizen_rates_a_returned_dossier_once(client, world):
    from chinhquyenso.dossiers import services

    dossier = counter_dossier(world, None)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=world.citizen)
    services.perform(dossier.pk, "transfer", actor=world.officer)
    services.perform(dossier.pk, "forward", actor=world.specialist)
    services.perform(dossier.pk, "approve", actor=world.leader)
    services.perform(dossier.pk, "return_result", actor=world.officer)
    client.force_login(world.citizen)
    page = client.get(reverse("dossiers:mine_detail", args=[dossier.pk])).content.decode()
    assert "Đánh giá mức độ hài lòng" in page
    client.post(reverse("dossiers:mine_action", args=[dossier.pk, "rate"]), {"rating": 2, "comment": "Chậm"})
    dossier.refresh_from_db()
    assert dossier.rating == 2
    page = client.get(reverse("dossiers:mine_detail", args=[dossier.pk])).content.decode()
    assert "Gửi đánh giá" not in page


def _finished(world):
    from chinhquyenso.dossiers import services

    dossier = counter_dossier(world, None)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=world.citizen)
    services.perform(dossier.pk, "transfer", actor=world.officer)
    services.perform(dossier.pk, "forward", actor=world.specialist)
    services.perform(dossier.pk, "approve", actor=world.leader)
    return dossier


def test_officer_records_a_fee_payment_once(client, world):
    dossier = counter_dossier(world, None)
    fee = dossier.fees.get()
    client.force_login(world.officer)
    client.post(reverse("dossiers:pay", args=[dossier.pk, fee.pk]), {"method": "cash", "reference": "BL-0001"})
    fee.refresh_from_db()
    assert fee.status == "paid" and fee.method == "cash" and fee.reference == "BL-0001" and fee.paid_at
    response = client.post(reverse("dossiers:pay", args=[dossier.pk, fee.pk]), {"method": "cash"}, follow=True)
    assert "đã được ghi nhận" in response.content.decode()
    client.force_login(world.specialist)  # not the one-stop desk
    other = counter_dossier(world, None).fees.get()
    client.post(reverse("dossiers:pay", args=[other.dossier_id, other.pk]), {"method": "cash"})
    other.refresh_from_db()
    assert other.status == "unpaid"


def test_bad_payment_method_is_refused(client, world):
    dossier = counter_dossier(world, None)
    client.force_login(world.officer)
    client.post(reverse("dossiers:pay", args=[dossier.pk, dossier.fees.get().pk]), {"method": "bitcoin"})
    assert dossier.fees.get().status == "unpaid"


def test_electronic_result_attached_and_downloaded_by_the_applicant(client, world):
    dossier = _finished(world)
    client.force_login(world.officer)
    client.post(reverse("dossiers:add_result", args=[dossier.pk]), {
        "name": "Giấy khai sinh (bản điện tử)", "number_symbol": "12/2026",
        "file": SimpleUploadedFile("kq.pdf", PDF)})
    result = dossier.results.exclude(file="").get()
    assert result.electronic
    client.force_login(world.citizen)
    download = client.get(reverse("dossiers:mine_result", args=[dossier.pk, result.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(world.other_citizen)
    assert client.get(reverse("dossiers:mine_result", args=[dossier.pk, result.pk])).status_code == 404


def test_result_file_refused_before_finishing_or_when_not_a_pdf(client, world):
    dossier = counter_dossier(world, None)
    client.force_login(world.officer)
    client.post(reverse("dossiers:add_result", args=[dossier.pk]), {"name": "KQ", "file": SimpleUploadedFile("k.pdf", PDF)})
    assert not dossier.results.exists()
    finished = _finished(world)
    client.post(reverse("dossiers:add_result", args=[finished.pk]),
                {"name": "KQ", "file": SimpleUploadedFile("k.pdf", b"<html>not a pdf</html>")})
    assert not finished.results.exclude(file="").exists()
