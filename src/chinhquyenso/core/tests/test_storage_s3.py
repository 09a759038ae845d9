"""Uploaded files on an S3-compatible store (STORAGE_BACKEND=s3): a moto S3 server on a loopback
port stands in for MinIO/Ceph; files are written and read back through the real services and
download views, and nothing lands in MEDIA_ROOT."""

import importlib
import uuid

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from chinhquyenso.dossiers import services as dossier_services
from chinhquyenso.dossiers.tests.factories import PDF, make_world
from chinhquyenso.feedback import services as feedback_services
from chinhquyenso.feedback.tests.conftest import MONDAY, POINT, jpeg_with_exif, world  # noqa: F401 — fixture

KEY = {"aws_access_key_id": "khoa-thu", "aws_secret_access_key": "bi-mat-thu", "region_name": "ap-southeast-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, tmp_path):
    bucket = f"cqs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **KEY)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": KEY["region_name"]})
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": KEY["region_name"],
                "access_key": KEY["aws_access_key_id"], "secret_key": KEY["aws_secret_access_key"],
                "location": "38", "addressing_style": "path", "signature_version": "s3v4",
                "default_acl": None, "querystring_auth": True, "file_overwrite": False,
            },
        },
    }

    def objects() -> dict[str, bytes]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}

    yield objects
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_dossier_component_goes_to_s3_and_downloads_back(s3, client):
    w = make_world()
    d = dossier_services.start_draft(user=w.citizen, procedure_version=w.version, resolving_agency=w.commune_pc)
    component = dossier_services.attach_component(
        d, actor=w.citizen, spec=w.version.components.get(order=1), uploaded_file=SimpleUploadedFile("tk.pdf", PDF),
    )
    stored = s3()
    assert list(stored) == [f"38/{component.file.name}"]
    assert stored[f"38/{component.file.name}"] == PDF
    assert isinstance(default_storage._wrapped, S3Storage)

    client.force_login(w.citizen)
    response = client.get(reverse("dossiers:mine_file", args=[d.pk, component.pk]))
    assert response.status_code == 200
    assert _body(response) == PDF
    # Another citizen gets nothing, whatever the storage.
    client.force_login(w.other_citizen)
    assert client.get(reverse("dossiers:mine_file", args=[d.pk, component.pk])).status_code == 404


@pytest.mark.django_db
def test_field_report_photo_goes_to_s3_and_the_photo_view_streams_it(s3, client, world):  # noqa: F811
    original = jpeg_with_exif()
    report = feedback_services.submit_report(
        province=world["province"], category=world["waste"], description="Rác thải đổ trộm đầu ngõ",
        latitude=POINT[0], longitude=POINT[1], phone="0987654321", client_ip="10.0.0.9", now=MONDAY,
        uploads=[SimpleUploadedFile("anh.jpg", original, content_type="image/jpeg")],
    )
    photo = report.photos.get()
    stored = s3()
    assert {f"38/{photo.original.name}", f"38/{photo.public.name}", f"38/{photo.thumbnail.name}"} == set(stored)

    thumb = client.get(reverse("feedback:photo", args=[photo.pk, "nho"]), {"k": str(report.public_id)})
    assert thumb.status_code == 200
    assert _body(thumb) == stored[f"38/{photo.thumbnail.name}"]
    assert _body(client.get(reverse("feedback:photo", args=[photo.pk, "anh"]), {"k": str(report.public_id)})) \
        == stored[f"38/{photo.public.name}"]
    # The original (with its EXIF location) only for the province's IOC operators.
    assert client.get(reverse("feedback:photo", args=[photo.pk, "goc"])).status_code == 404
    client.force_login(world["operator"])
    goc = client.get(reverse("feedback:photo", args=[photo.pk, "goc"]))
    assert goc.status_code == 200
    assert _body(goc) == stored[f"38/{photo.original.name}"]


def test_settings_choose_s3_by_environment(monkeypatch):
    import chinhquyenso.settings as project_settings

    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "ho-so-tinh-38")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")
    try:
        s3_settings = importlib.reload(project_settings)
        default = s3_settings.STORAGES["default"]
        assert default["BACKEND"] == "storages.backends.s3.S3Storage"
        assert default["OPTIONS"]["bucket_name"] == "ho-so-tinh-38"
        assert default["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
        assert default["OPTIONS"]["default_acl"] is None and default["OPTIONS"]["querystring_auth"] is True
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
        with pytest.raises(ValueError, match="AWS_STORAGE_BUCKET_NAME"):
            importlib.reload(project_settings)
    finally:
        monkeypatch.delenv("STORAGE_BACKEND")
        default_settings = importlib.reload(project_settings)
    assert default_settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
