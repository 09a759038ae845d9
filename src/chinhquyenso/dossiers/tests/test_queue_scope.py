"""The officers' "all dossiers" list reads the scope by index ranges on PostgreSQL
(queries.NewestFirst): it must select exactly what the one predicate for_official() selects, in
the same order, for every kind of official; count up to a cap; and the queue and the public lookup
keep a small constant number of queries."""

import pytest
from django.urls import reverse

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
from chinhquyenso.dossiers import queries, services
from chinhquyenso.dossiers.models import Dossier

from .factories import APPLICANT, at, counter_dossier, grant, online_dossier
from .states import STATES

pytestmark = pytest.mark.django_db

ORDER = ("-received_at", "-id")


@pytest.fixture
def scene(world):
    """Dossiers at both centres, newest and oldest, one not yet received (received_at empty), a
    draft, and one held by a third agency (the department) for an inter-agency step."""
    mine = [counter_dossier(world, at(2026, 3, 2, 8 + i % 8, 7 * i)) for i in range(6)]
    spec = world.version.components.get(order=1)
    theirs = [services.receive_at_counter(officer=world.other_officer, reception_agency=world.other_centre,
                                          procedure_version=world.version, applicant=APPLICANT,
                                          components=[{"spec": spec}], at=at(2026, 3, 3, 9, i)) for i in range(2)]
    waiting = online_dossier(world, at(2026, 3, 4, 10))
    services.start_draft(user=world.citizen, procedure_version=world.version, resolving_agency=world.commune_pc)
    STATES["processing"](world)
    Dossier.objects.filter(pk=theirs[0].pk).update(current_agency=world.department)
    department = grant(OfficialFactory(), Role.SPECIALIST, world.department)
    admin = UserFactory(is_superuser=True, is_staff=True)
    return {"mine": mine, "theirs": theirs, "waiting": waiting, "department": department, "admin": admin}


def _users(world, scene):
    return {"officer": world.officer, "specialist": world.specialist, "leader": world.leader,
            "other_officer": world.other_officer, "other_specialist": world.other_specialist,
            "department": scene["department"], "admin": scene["admin"], "citizen": world.citizen}


def test_newest_first_selects_and_orders_exactly_as_for_official(world, scene):
    for name, user in _users(world, scene).items():
        expected = list(queries.for_official(user).order_by(*ORDER).values_list("pk", flat=True))
        listed = queries.NewestFirst(queries.not_drafts(), queries.Scope(user).agency_ids())
        assert listed.count() == len(expected), name
        assert listed[0:100] == expected, name
        assert listed[2:5] == expected[2:5], name  # a later page is the same window of the same order
    # The department sees the dossier it holds only through its current agency.
    assert queries.NewestFirst(queries.not_drafts(), queries.Scope(scene["department"]).agency_ids())[0:10] == [
        scene["theirs"][0].pk]


def test_newest_first_keeps_the_page_filters(world, scene):
    narrowed = queries.search(queries.not_drafts(), status=scene["waiting"].status)
    listed = queries.NewestFirst(narrowed, queries.Scope(world.officer).agency_ids())
    assert listed[0:50] == [scene["waiting"].pk] and listed.count() == 1


def test_queues_with_a_scope_are_the_queues_without(world, scene):
    for user in (world.officer, world.specialist, world.leader, world.other_officer):
        scope = queries.Scope(user)
        for name in queries.QUEUES:
            assert set(queries.queue(user, name, scope=scope)) == set(queries.queue(user, name)), name


def test_queue_page_lists_the_scope_newest_first_in_constant_queries(client, world, scene,
                                                                    django_assert_max_num_queries):
    client.force_login(world.officer)
    expected = list(queries.for_official(world.officer).order_by(*ORDER).values_list("pk", flat=True))
    client.get(reverse("dossiers:queue"))  # loads the working-day calendar (kept in process memory)
    # Session, user, two-factor check, grant (the procedure filter's province), visible agencies,
    # count, page ids, page rows; the procedure filter's options come from the cache.
    with django_assert_max_num_queries(8) as first:
        response = client.get(reverse("dossiers:queue"))
    assert [d.pk for d in response.context["page"].object_list] == expected
    for i in range(5):
        counter_dossier(world, at(2026, 3, 5, 9, i))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("dossiers:queue"))
    assert response.context["page"].paginator.count == len(expected) + 5
    body = response.content.decode()
    assert f"{len(expected) + 5} hồ sơ" in body and scene["theirs"][1].code not in body


def test_queue_count_is_capped(client, world, scene, monkeypatch):
    monkeypatch.setattr(queries.NewestFirst, "COUNT_CAP", 3)
    client.force_login(world.officer)
    response = client.get(reverse("dossiers:queue"))
    body = response.content.decode()
    assert response.status_code == 200 and response.context["capped"]
    assert "Hơn 3 hồ sơ" in body and "Trang 1/" not in body
    assert len(response.context["page"].object_list) == min(50, 4)  # the cap bounds the count, not the list
    page_two = client.get(reverse("dossiers:queue"), {"trang": 2})
    assert page_two.status_code == 200


def test_public_lookup_is_one_query_and_no_write(client, world, django_assert_num_queries):
    dossier = counter_dossier(world, at(2026, 3, 2, 9))
    url = reverse("dossiers:lookup")
    with django_assert_num_queries(1):  # the rate limit counts in the cache, not in the database
        response = client.get(url, {"ma": dossier.code, "dien_thoai": "0912 345 678"})
    assert response.status_code == 200 and dossier.code in response.content.decode()


def test_public_lookup_by_representative_phone_and_not_drafts(world):
    dossier = services.receive_at_counter(
        officer=world.officer, reception_agency=world.centre, procedure_version=world.version,
        applicant={**APPLICANT, "representative_name": "Lê Văn Ba", "representative_phone": "0987000111"},
        components=[{"spec": world.version.components.get(order=1)}], at=at(2026, 3, 2, 9))
    found = queries.public_lookup(f"  {dossier.code} ", "0987 000 111")
    assert found is not None and found["code"] == dossier.code and found["applicant_name"] == "Lê*****Hoa"
    assert found["received_at"] == dossier.received_at and found["received_at"].tzinfo is not None
    assert found["reception_agency"] == world.centre.name and found["status_label"]
    draft = services.start_draft(user=world.citizen, procedure_version=world.version,
                                 resolving_agency=world.commune_pc)
    if draft.code:
        assert queries.public_lookup(draft.code, APPLICANT["phone"]) is None
    assert queries.public_lookup(dossier.code, "0900000000") is None
