"""API contract: reading scoped by is_public, pushing by the owner agency, all-or-nothing with a
row report, idempotent re-posts, garbage input → 4xx."""

import json

import pytest

from chinhquyenso.accounts.services import create_api_token
from chinhquyenso.sectordata.models import BatchStatus, ImportBatch, Observation

URL = "/api/v1/sector-data"
ROWS = [
    {"unit": "14758", "period": "2025-Q1", "value": 81.5, "note": "VNPT"},
    {"unit": "14797", "period": "2025-Q1", "value": "79,25"},
    {"unit": 14845, "period": "2025-Q1", "value": 48},
]


def token(user) -> dict:
    _, key = create_api_token(user, name="Hệ thống ngành", expires_at=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, body, code="ty-le-smartphone", headers=None, query=""):
    return client.post(f"{URL}/series/{code}/observations{query}", data=json.dumps(body),
                       content_type="application/json", **(headers or {}))


def test_push_with_an_api_token(client, world):
    response = post(client, ROWS, headers=token(world["pusher"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_created"], body["channel"], body["submitted_by"]) == (
        "imported", 3, "api", str(world["pusher"]))
    assert Observation.objects.count() == 3
    # The same batch again: nothing changes, and the log says so.
    again = post(client, ROWS, headers=token(world["pusher"])).json()
    assert (again["rows_created"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, 3)
    assert Observation.objects.count() == 3


def test_rejected_batch_is_422_with_every_row_and_nothing_stored(client, world):
    rows = ROWS + [{"unit": "14758", "period": "2025-03", "value": 101},
                   {"unit": "14500", "period": "2025-Q1", "value": 5},
                   {"unit": "14797", "period": "2025-Q1", "value": 1}]
    response = post(client, rows, headers=token(world["pusher"]))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Lô số liệu bị từ chối")
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (4, "period"), (4, "value"), (5, "unit"), (6, "unit")}
    assert Observation.objects.count() == 0
    assert ImportBatch.objects.get(pk=body["batch_id"]).status == BatchStatus.REJECTED


def test_push_needs_authentication(client, world):
    assert post(client, ROWS).status_code == 401
    assert post(client, ROWS, headers={"HTTP_AUTHORIZATION": "Bearer cqs_khong-dung"}).status_code == 401
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("user", ["health", "leader", "foreign", "commune"])
def test_push_needs_the_owner_agency(client, world, user):
    response = post(client, ROWS, headers=token(world[user]))
    # Officials of the province see the public series exist (403); others do not (404).
    assert response.status_code in (403, 404)
    assert response.json()["detail"]
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_session_of_the_owner_agency_may_push(client, world):
    client.force_login(world["pusher"])
    assert post(client, ROWS).status_code == 201


def test_unknown_series_and_province(client, world):
    headers = token(world["pusher"])
    assert post(client, ROWS, code="khong-co", headers=headers).status_code == 404
    assert post(client, ROWS, headers=headers, query="?province=37").status_code == 404
    assert post(client, ROWS, headers=headers, query="?province=38").status_code == 201


@pytest.mark.parametrize("body", [
    {"unit": "14758"}, "chuỗi", 42, None, [1, 2], [{"unit": {"a": 1}}], [{"value": [1]}], [None],
])
def test_garbage_bodies_are_4xx(client, world, body):
    response = post(client, body, headers=token(world["pusher"]))
    assert 400 <= response.status_code < 500
    assert Observation.objects.count() == 0


def test_empty_list_is_rejected_and_logged(client, world):
    response = post(client, [], headers=token(world["pusher"]))
    assert response.status_code == 422
    assert "Không có dòng" in response.json()["errors"][0]["message"]


def test_not_json_is_4xx(client, world):
    response = client.post(f"{URL}/series/ty-le-smartphone/observations", data="{khong-phai-json",
                           content_type="application/json", **token(world["pusher"]))
    assert response.status_code in (400, 422)


def test_public_reading(client, world):
    post(client, ROWS, headers=token(world["pusher"]))
    codes = [s["code"] for s in client.get(f"{URL}/series?province=38").json()["items"]]
    assert codes == ["so-tram-bts", "ty-le-smartphone"]  # the camera series is internal
    detail = client.get(f"{URL}/series/ty-le-smartphone").json()
    assert (detail["unit_of_measure"], detail["granularity"], detail["owner_agency"]) == (
        "%", "quarter", "Sở Khoa học và Công nghệ")
    items = client.get(f"{URL}/series/ty-le-smartphone/observations?from=2025-Q1&to=2025-Q1").json()["items"]
    assert [(i["unit"], i["period"], i["value"]) for i in items] == [
        ("14758", "2025-Q1", "81.5000"), ("14797", "2025-Q1", "79.3000"), ("14845", "2025-Q1", "48.0000")]
    assert client.get(f"{URL}/series/ty-le-smartphone/observations?unit=14758").json()["count"] == 1
    assert client.get(f"{URL}/series/ty-le-smartphone/observations?from=2025-03").status_code == 422


def test_internal_series_needs_an_official_of_the_province(client, world):
    assert client.get(f"{URL}/series/so-camera").status_code == 404
    assert client.get(f"{URL}/series/so-camera", **token(world["foreign"])).status_code == 404
    assert client.get(f"{URL}/series/so-camera", **token(world["leader"])).status_code == 200
    listed = client.get(f"{URL}/series?province=38", **token(world["leader"])).json()["items"]
    assert "so-camera" in [s["code"] for s in listed]


def test_import_log_is_scoped(client, world):
    post(client, ROWS, headers=token(world["pusher"]))
    batch = ImportBatch.objects.get()
    assert client.get(f"{URL}/imports").status_code == 401
    assert client.get(f"{URL}/imports", **token(world["pusher"])).json()["count"] == 1
    assert client.get(f"{URL}/imports", **token(world["ioc"])).json()["count"] == 1
    assert client.get(f"{URL}/imports", **token(world["foreign"])).json()["count"] == 0
    assert client.get(f"{URL}/imports", **token(world["health"])).json()["count"] == 0
    assert client.get(f"{URL}/imports/{batch.pk}", **token(world["foreign"])).status_code == 404
    assert client.get(f"{URL}/imports/{batch.pk}", **token(world["pusher"])).json()["rows_created"] == 3
    assert client.get(f"{URL}/imports/{10**30}", **token(world["pusher"])).status_code in (404, 422)


def test_read_query_counts_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    post(client, ROWS[:1], headers=token(world["pusher"]))
    with django_assert_max_num_queries(4) as one:
        client.get(f"{URL}/series/ty-le-smartphone/observations")
    baseline = len(one.captured_queries)
    post(client, ROWS, headers=token(world["pusher"]))
    with django_assert_max_num_queries(baseline):
        client.get(f"{URL}/series/ty-le-smartphone/observations")
    with django_assert_max_num_queries(3):
        client.get(f"{URL}/series?province=38")


def test_nul_bytes_anywhere_are_4xx_not_500(client, world):
    headers = token(world["pusher"])
    rows = [{"unit": "147\x0058", "period": "2025\x00-Q1", "value": "8\x001", "note": "a\x00b"}]
    response = post(client, rows, headers=headers)
    assert response.status_code == 422 and len(response.json()["errors"]) == 3
    assert post(client, [{"unit": "14758", "period": "2025-Q1", "value": 1, "note": "a\x00b"}],
                headers=headers).status_code == 201
    for url in (f"{URL}/series?province=3\x008&sector=\x00", f"{URL}/series/so\x00/observations?unit=\x00",
                f"{URL}/series/ty-le-smartphone?province=\x00", f"{URL}/imports?series=\x00"):
        assert client.get(url, **headers).status_code < 500
    # NUL in a path or query is refused before any view (core.middleware.RejectNulMiddleware).
    assert post(client, ROWS, code="ty\x00", headers=headers, query="?province=3%008").status_code == 400
    assert client.get("/du-lieu-nganh/?tinh=%00%ff").status_code == 400
    client.force_login(world["pusher"])
    assert client.get("/du-lieu-nganh/so-tram-bts/?q=%00").status_code == 400
    assert client.get("/du-lieu-nganh/nhat-ky/?chuoi=%00").status_code == 400
