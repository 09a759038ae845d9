import io

from chinhquyenso.exchange import demo
from chinhquyenso.exchange.models import ExchangeEndpoint, Message, MessageStatus
from chinhquyenso.portal import demo as portal_demo
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory


def test_demo_is_idempotent(db):
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    CommuneFactory(parent=province, province=province, code="15616", name="Hạc Thành", full_name="Phường Hạc Thành")
    portal_demo.load_agencies(province)
    demo.load(province, io.StringIO())
    counts = (ExchangeEndpoint.objects.count(), Message.objects.count())
    demo.load(province, io.StringIO())
    assert (ExchangeEndpoint.objects.count(), Message.objects.count()) == counts
    statuses = set(Message.objects.values_list("status", flat=True))
    assert {MessageStatus.SENT, MessageStatus.PROCESSED, MessageStatus.REJECTED} <= statuses
