"""Demo data: exchange endpoints for the demo province's people's committee, its office and the
first commune, and one document exchanged through the directory drop from the province to the
commune (so `vanthu` finds a received package, its 01 status and a rejected package on
/lien-thong/). Idempotent: endpoints are keyed by agency, packages by their dedupe keys."""

import datetime

from django.db.models.functions import Length

from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import receiving, services
from .edxml import Attachment, DocumentPackage, names
from .models import Direction, Message, MessageStatus


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><h1>ỦY BAN NHÂN DÂN TỈNH</h1><p>{text}</p></body></html>").write_pdf()


def load(province, stdout) -> None:
    agencies = Agency.objects.filter(province=province).annotate(n=Length("code")).filter(n__lte=names.ORGAN_ID_MAX)
    ubnd = agencies.filter(kind=AgencyKind.PROVINCE_PC).first()
    commune = agencies.filter(kind=AgencyKind.COMMUNE_PC).order_by("code").first()
    if ubnd is None or commune is None:
        stdout.write("exchange: không có cơ quan mẫu, bỏ qua.")
        return
    token = set_actor(Actor(via="command"))
    try:
        # Demo only: the agency code doubles as OrganId; real OrganIds are issued by the axis.
        source = services.save_endpoint(agency=ubnd, organ_id=ubnd.code, organ_name=ubnd.name)
        target = services.save_endpoint(agency=commune, organ_id=commune.code, organ_name=commune.name)
        package = DocumentPackage(
            sender=services.organ_of(source), recipients=(services.organ_of(target),), code_number="125",
            code_notation="UBND-KSTT", promulgation_place=province.name,
            promulgation_date=datetime.date(2025, 9, 15),
            subject="Về việc đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình năm 2025",
            signer_full_name="Lê Đức Giang", signer_position="Phó Chủ tịch", signer_competence="KT.",
            type_code="cong-van", type_name="Công văn", priority="1",
            attachments=(Attachment("cv125", "125-UBND-KSTT.pdf", "application/pdf",
                                    _pdf("Về việc đẩy mạnh cung cấp dịch vụ công trực tuyến"), "Văn bản chính"),),
        )
        message = services.queue_document(package, endpoint=source, peer=target)
        services.attempt_send(message.pk)
        receiving.poll(target)
        receiving.receive_package(target, b"<edXML><edXMLEnvelope></edXML>")  # a broken package, for the error view
        for queued in Message.objects.filter(direction=Direction.OUTGOING, status=MessageStatus.QUEUED, agency=commune):
            services.attempt_send(queued.pk)
        receiving.poll(source)
    finally:
        reset_actor(token)
    stdout.write(f"exchange: {Message.objects.filter(province=province).count()} gói tin mẫu.")
