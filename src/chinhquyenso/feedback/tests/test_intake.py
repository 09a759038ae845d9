import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from chinhquyenso.feedback import services
from chinhquyenso.feedback.models import Photo, Report, Status

from .conftest import MONDAY, POINT, jpeg_with_exif, upload


def test_report_found_in_nearest_commune(make_report, world):
    report = make_report()
    assert report.commune == world["c1"] and report.status == Status.NEW
    assert report.number == "PA38.2025.000001" and make_report().number == "PA38.2025.000002"
    assert report.contact.phone == "0987654321"


def test_typed_address_finds_commune(make_report, world):
    report = make_report(point=(None, None), address="Thôn 3, xã Quảng Phú, Thanh Hóa")
    assert report.commune == world["c2"] and report.latitude is None


@pytest.mark.parametrize(("lat", "lon", "code"), [
    ("abc", "105.7", "bad_point"),
    ("95", "105.7", "bad_point"),
    ("19.8", "200", "bad_point"),
    ("NaN", "105.7", "bad_point"),
    ("20.25", "105.97", "out_of_province"),   # Ninh Bình
    ("10.77", "106.70", "out_of_province"),   # far away: no commune within 25 km in the test data
    ("19.8", "", "bad_point"),
])
def test_bad_coordinates(make_report, lat, lon, code):
    with pytest.raises(ValidationError) as exc:
        make_report(point=(lat, lon))
    assert exc.value.code == code or code in str(exc.value.error_list[0].code)
    assert Report.objects.count() == 0


def test_location_required(make_report):
    with pytest.raises(ValidationError, match="vị trí"):
        make_report(point=(None, None), address="")


def test_empty_category(world):
    with pytest.raises(ValidationError, match="lĩnh vực") as exc:
        services.submit_report(province=world["province"], category=None, description="Đèn hỏng",
                               latitude=POINT[0], longitude=POINT[1])
    assert "category" in exc.value.message_dict


def test_out_of_scope_refused_with_guidance(make_report, world):
    with pytest.raises(ValidationError) as exc:
        make_report(category=world["complaint"])
    assert "Luật Khiếu nại" in str(exc.value)


def test_group_category_refused(make_report, world):
    with pytest.raises(ValidationError, match="cụ thể hơn"):
        make_report(category=world["group"])


def test_required_attribute(make_report, world):
    with pytest.raises(ValidationError, match="Làn đường"):
        make_report(category=world["road"])
    with pytest.raises(ValidationError, match="Giá trị không hợp lệ"):
        make_report(category=world["road"], attributes={"lan-duong": "giua"})
    assert make_report(category=world["road"], attributes={"lan-duong": "trai"}).attributes == {"lan-duong": "trai"}


def test_html_stored_as_text(make_report):
    report = make_report(description='<script>alert("x")</script><b>Đèn hỏng</b>')
    assert report.description == '<script>alert("x")</script><b>Đèn hỏng</b>'


@pytest.mark.parametrize(("field", "value"), [("description", ""), ("description", "x" * 4001),
                                             ("phone", "12345"), ("email", "khong-phai-email")])
def test_bad_fields(make_report, field, value):
    with pytest.raises(ValidationError) as exc:
        make_report(**{field: value})
    assert field in exc.value.message_dict


def test_photo_public_copy_has_no_exif(make_report):
    original = jpeg_with_exif()
    assert b"SecretPhone" in original
    report = make_report(uploads=[upload(original)])
    photo = Photo.objects.get(report=report)
    for copy in (photo.public, photo.thumbnail):
        data = copy.read()
        assert b"SecretPhone" not in data and b"CameraMaker" not in data
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif()
    assert b"SecretPhone" in photo.original.read()  # kept for the IOC only
    with Image.open(photo.thumbnail) as im:
        assert max(im.size) <= 320


@pytest.mark.parametrize(("data", "name"), [
    (b"<html><script>alert(1)</script></html>", "anh.jpg"),
    (b"GIF89a" + b"\x00" * 100, "anh.gif"),
    (jpeg_with_exif()[:200], "cut.jpg"),
    (b"", "empty.jpg"),
])
def test_fake_images_refused(make_report, data, name):
    with pytest.raises(ValidationError):
        make_report(uploads=[upload(data, name=name)])
    assert Report.objects.count() == 0


def test_oversized_image_refused(make_report, settings):
    settings.FEEDBACK_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="quá lớn"):
        make_report(uploads=[upload(jpeg_with_exif((400, 400)))])


def test_too_many_photos(make_report):
    with pytest.raises(ValidationError, match="tối đa"):
        make_report(uploads=[upload() for _ in range(6)])


def test_rate_limit_per_ip_and_phone(make_report, world, settings):
    settings.FEEDBACK_ANON_PER_IP_PER_HOUR = 2
    settings.FEEDBACK_ANON_PER_PHONE_PER_DAY = 3
    for _ in range(2):
        make_report(client_ip="7.7.7.7", phone="0911000001")
    with pytest.raises(services.Throttled):
        make_report(client_ip="7.7.7.7", phone="0911000002")
    make_report(client_ip="7.7.7.8", phone="0911000001")
    with pytest.raises(services.Throttled):
        make_report(client_ip="7.7.7.9", phone="0911000001")
    # signed-in citizens are not limited this way
    make_report(client_ip="7.7.7.7", user=world["citizen"], phone="")


def test_nearby_and_me_too(make_report, world, settings):
    settings.FEEDBACK_NEARBY_METERS = 200
    first = make_report(now=None)
    make_report(category=world["road"], attributes={"lan-duong": "trai"}, now=None)  # other category
    far = make_report(point=(Decimal("19.830000"), Decimal("105.771000")), now=None)  # ~3 km
    from chinhquyenso.feedback import queries

    found = queries.nearby_open(world["waste"], float(POINT[0]) + 0.0005, float(POINT[1]))
    assert [r.pk for r in found] == [first.pk] and 50 <= found[0].distance_m <= 60
    assert far.pk not in [r.pk for r in found]
    services.me_too(first, phone="0911222333", client_ip="5.5.5.5")
    with pytest.raises(ValidationError, match="đã xác nhận"):
        services.me_too(first, phone="0911222333", client_ip="5.5.5.6")
    first.refresh_from_db()
    assert first.me_too_count == 1


def test_me_too_refused_on_closed(make_report, walk):
    report = walk(make_report(), "refused")
    with pytest.raises(ValidationError):
        services.me_too(report, client_ip="1.1.1.1")


def test_nearby_ignores_old_reports(make_report, world, settings):
    settings.FEEDBACK_NEARBY_DAYS = 30
    make_report(now=MONDAY)  # 2025: long ago
    from chinhquyenso.feedback import queries

    assert queries.nearby_open(world["waste"], float(POINT[0]), float(POINT[1])) == []
