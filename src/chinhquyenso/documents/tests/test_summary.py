"""The document's summary columns follow its files and recipients through database triggers
(documents.summary), whatever writes them — and a stale object saved later cannot undo them."""

import pytest

from chinhquyenso.documents.models import Attachment, DeliveryState, Document, FileRole, Recipient

from .test_workflow import draft

pytestmark = pytest.mark.django_db


def flags(doc: Document) -> tuple[bool, bool, bool]:
    doc = Document.objects.get(pk=doc.pk)
    return doc.signed_main, doc.has_external, doc.external_sent


def test_files_and_recipients_set_the_summary(org, types):
    doc = draft(org, types)  # an unsigned main file, an internal and an external recipient (pending)
    assert flags(doc) == (False, True, False)
    main = doc.files.get(role=FileRole.MAIN)
    Attachment.objects.filter(role=FileRole.ATTACHMENT, document=doc).update(signed="organization")
    assert flags(doc)[0] is False  # a signed appendix is not a signed document
    main.signed = "personal"
    main.save(update_fields=["signed"])
    assert flags(doc) == (True, True, False)
    external = doc.recipients.get(agency__isnull=True)
    Recipient.objects.filter(pk=external.pk).update(state=DeliveryState.REFUSED)
    assert flags(doc)[2] is False  # refused is not "exchanged"
    Recipient.objects.filter(pk=external.pk).update(state=DeliveryState.SENT)
    assert flags(doc) == (True, True, True)
    external.delete()
    assert flags(doc) == (True, False, False)
    main.delete()
    assert flags(doc) == (False, False, False)


def test_a_stale_object_cannot_undo_the_summary(org, types):
    doc = draft(org, types)
    stale = Document.objects.get(pk=doc.pk)
    doc.files.filter(role=FileRole.MAIN).update(signed="personal")
    stale.subject = "Quyết định (sửa trích yếu)"
    stale.save()
    stale.save(update_fields=["subject", "signed_main"])
    assert flags(doc)[0] is True and Document.objects.get(pk=doc.pk).subject == "Quyết định (sửa trích yếu)"
