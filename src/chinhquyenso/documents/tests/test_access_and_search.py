"""Who sees what (one queryset filter) and diacritics-insensitive search."""

import pytest
from django.core.files.base import ContentFile

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory, UserFactory
from chinhquyenso.documents import services
from chinhquyenso.documents.models import Secrecy
from chinhquyenso.documents.queries import Filters, apply_search, documents, visible_documents

from .pdfs import pdf_with_text

pytestmark = pytest.mark.django_db


def incoming(org, types, **kw):
    data = dict(agency=org["ubnd"], doc_type=types["cong-van"], subject="Về việc kiểm tra đất đai",
                issuing_agency_name="Sở Nông nghiệp và Môi trường", actor=org["clerk"])
    data.update(kw)
    return services.register_incoming(**data)


def test_officials_see_documents_of_agencies_in_their_scope(org, types):
    doc = incoming(org, types)
    assert visible_documents(org["clerk"]).filter(pk=doc.pk).exists()
    assert visible_documents(org["leader"]).filter(pk=doc.pk).exists()
    assert not visible_documents(org["outsider"]).filter(pk=doc.pk).exists()
    assert not visible_documents(org["specialist"]).filter(pk=doc.pk).exists()  # PKT, not yet involved
    services.assign(doc, actor=org["leader"], lead_unit=org["pkt"])
    assert visible_documents(org["specialist"]).filter(pk=doc.pk).exists()  # lead unit now


def test_coordinating_units_see_the_document(org, types):
    vp_officer = RoleAssignmentFactory(role=Role.SPECIALIST, agency=org["vp"], include_subagencies=False).user
    doc = incoming(org, types)
    assert not visible_documents(vp_officer).filter(pk=doc.pk).exists()
    services.assign(doc, actor=org["leader"], lead_unit=org["pkt"], coordinating_units=[org["vp"]])
    assert list(visible_documents(vp_officer)) == [doc]  # no duplicate rows from the join


def test_citizens_and_anonymous_see_nothing(org, types, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    incoming(org, types)
    assert visible_documents(UserFactory()).count() == 0
    assert visible_documents(AnonymousUser()).count() == 0


def test_secret_document_is_visible_only_to_the_people_it_is_assigned_to(org, types):
    other_leader = RoleAssignmentFactory(role=Role.LEADER, agency=org["ubnd"]).user
    superuser = OfficialFactory(is_superuser=True, is_staff=True)
    doc = incoming(org, types, secrecy=Secrecy.SECRET, forward_to=org["leader"])
    may_see = {u.pk for u in [org["clerk"], org["leader"]]}
    everyone = [org["clerk"], org["leader"], other_leader, org["specialist"], org["drafter"], org["outsider"], superuser]
    assert {u.pk for u in everyone if visible_documents(u).filter(pk=doc.pk).exists()} == may_see
    # A leader of the agency who was not forwarded the document cannot act on it either.
    with pytest.raises(PermissionError):
        services.assign(doc, actor=other_leader, lead_unit=org["pkt"])
    services.assign(doc, actor=org["leader"], lead_unit=org["pkt"], handler=org["specialist"])
    may_see.add(org["specialist"].pk)
    assert {u.pk for u in everyone if visible_documents(u).filter(pk=doc.pk).exists()} == may_see
    # the drafter is a specialist covering PKT, but the secret is not assigned to them
    assert not visible_documents(org["drafter"]).filter(pk=doc.pk).exists()


def test_a_secret_document_needs_someone_to_forward_it_to(org, types):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        incoming(org, types, secrecy=Secrecy.CONFIDENTIAL)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("đất đai", True),
        ("dat dai", True),
        ("DAT DAI", True),
        ("kiem tra", True),
        ("Kiểm Tra", True),
        ("nong nghiep moi truong", True),  # issuer
        ("ranh gioi", True),  # only in the PDF text
        ("ranh giới thửa đất", True),
        ("thuy loi", False),
        ("", True),
    ],
)
def test_search_with_and_without_diacritics(org, types, query, found):
    doc = incoming(org, types, files=[ContentFile(pdf_with_text("Xác định ranh giới thửa đất số 15"), name="a.pdf")])
    incoming(org, types, subject="Về việc phòng chống lụt bão", issuing_agency_name="UBND tỉnh")
    hits = list(apply_search(visible_documents(org["clerk"]), query))
    assert (doc in hits) is found


def test_filters(org, types):
    a = incoming(org, types, urgency="hoa_toc")
    incoming(org, types, doc_type=types["giay-moi"], subject="Mời họp")
    assert list(documents(org["clerk"], Filters(urgency="hoa_toc"))) == [a]
    assert documents(org["clerk"], Filters(doc_type="giay-moi")).count() == 1
    assert documents(org["clerk"], Filters(direction="out")).count() == 0
    assert documents(org["clerk"], Filters(q="moi hop")).count() == 1
