from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.sectordata.models import SeriesDefinition


def test_admin_pages_and_definition_through_the_service(admin_client, world):
    for model in ("sector", "seriesdefinition", "importbatch", "observation", "observationrevision"):
        assert admin_client.get(f"/admin/sectordata/{model}/").status_code == 200, model
    series = world["bts"]
    url = f"/admin/sectordata/seriesdefinition/{series.pk}/change/"
    assert admin_client.get(url).status_code == 200
    data = {
        "name": "Số trạm BTS đang hoạt động", "description": "", "sector": series.sector_id, "levels": "commune",
        "granularity": "quarter", "unit_of_measure": "trạm", "value_type": "count", "min_value": "",
        "max_value": "", "decimal_places": "0", "rollup": "sum", "source": "Sở KH&CN",
        "owner_agency": world["skhcn"].pk, "is_public": "on", "is_active": "on",
    }
    assert admin_client.post(url, data).status_code == 302
    assert SeriesDefinition.objects.get(pk=series.pk).name == "Số trạm BTS đang hoạt động"
    assert AuditEntry.objects.filter(action="sectordata.series_update", object_id=str(series.pk)).exists()
    # A rate cannot be summed over communes: the service's rule shows as a form error.
    response = admin_client.post(url, {**data, "value_type": "percent", "unit_of_measure": "%"})
    assert response.status_code == 200 and "Không cộng dồn tỷ lệ phần trăm" in response.content.decode()
