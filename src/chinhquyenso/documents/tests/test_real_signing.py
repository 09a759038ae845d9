"""The outgoing workflow with the real signatures app (pyHanko, test PKI): the issued main file
carries the leader's and the agency's signatures, the attachment the agency's, all verified."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core.files.base import ContentFile

from chinhquyenso.documents import outgoing
from chinhquyenso.signatures import backends, testpki
from chinhquyenso.signatures import services as signatures
from chinhquyenso.signatures.tests.helpers import signing_setup
from chinhquyenso.workdays.calendar import VN_TZ

from .pdfs import pdf_with_text

pytestmark = pytest.mark.django_db
logging.getLogger("pyhanko").setLevel(logging.ERROR)


@pytest.fixture
def real_signing(settings, tmp_path, org):
    setup = signing_setup(settings, tmp_path, testpki.build(), user=org["leader"], agency=org["ubnd"])
    yield setup
    backends.clear_cache()


def test_issue_applies_personal_then_organization_signatures(org, types, real_signing):
    doc = outgoing.create_draft(
        agency=org["ubnd"], doc_type=types["quyet-dinh"], subject="Quyết định phê duyệt kế hoạch", actor=org["drafter"],
        files=[ContentFile(pdf_with_text("Quyết định phê duyệt"), name="qd.pdf")],
        attachments=[ContentFile(pdf_with_text("Phụ lục kế hoạch"), name="pl.pdf")],
        recipients=[{"name": "Sở Tài chính", "code": "000.04.00.H56"}],
    )
    for step, who in [(outgoing.submit, "drafter"), (outgoing.check, "clerk"), (outgoing.approve, "leader"),
                      (outgoing.sign, "leader")]:
        doc = step(doc, actor=org[who])
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=VN_TZ)):
        doc = outgoing.issue(doc, actor=org["clerk"])
    main = doc.files.get(role="main")
    annex = doc.files.get(role="attachment")
    with main.file.open("rb") as fh:
        reports = signatures.verify(fh.read())
    assert [r.ok for r in reports] == [True, True]
    assert org["leader"].full_name in reports[0].signer_name
    with annex.file.open("rb") as fh:
        annex_reports = signatures.verify(fh.read())
    assert len(annex_reports) == 1 and annex_reports[0].ok
    assert doc.number_symbol == "01/QĐ-UBND"
