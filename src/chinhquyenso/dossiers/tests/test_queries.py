"""Who sees what (one predicate), queues, public lookup, available actions, query counts."""

import pytest

from chinhquyenso.dossiers import queries, services
from chinhquyenso.dossiers.workflow import Status

from .factories import at, counter_dossier, online_dossier
from .states import STATES, t

pytestmark = pytest.mark.django_db


def test_citizen_sees_only_their_own(world):
    mine = online_dossier(world, at(2026, 3, 2, 9))
    theirs = online_dossier(world, at(2026, 3, 2, 9, 5), citizen=world.other_citizen)
    walk_in = counter_dossier(world, at(2026, 3, 2, 10))
    assert list(queries.for_citizen(world.citizen)) == [mine]
    assert list(queries.for_user(world.other_citizen)) == [theirs]
    assert walk_in not in queries.for_user(world.citizen)


def test_official_sees_only_their_agencies(world):
    d = counter_dossier(world, at(2026, 3, 2, 9))
    assert list(queries.for_official(world.officer)) == [d]  # reception agency
    assert list(queries.for_official(world.specialist)) == [d]  # resolving agency (covers the centre)
    assert list(queries.for_official(world.other_officer)) == []
    assert list(queries.for_official(world.other_specialist)) == []
    assert list(queries.for_official(world.citizen)) == []


def test_drafts_are_invisible_to_officials(world):
    services.start_draft(user=world.citizen, procedure_version=world.version, resolving_agency=world.commune_pc)
    assert not queries.for_official(world.officer).exists()


def test_queues(world):
    new = STATES["new"](world)
    received = STATES["received"](world)
    processing = STATES["processing"](world)
    approval = STATES["at_approval"](world)
    finished = STATES["finished"](world)
    assert list(queries.to_receive(world.officer)) == [new]
    assert list(queries.to_transfer(world.officer)) == [received]
    assert list(queries.to_process(world.specialist)) == [processing]
    assert list(queries.to_approve(world.leader)) == [approval]
    assert list(queries.to_return(world.officer)) == [finished]
    assert not queries.to_receive(world.other_officer).exists()
    assert not queries.to_approve(world.specialist).exists()


def test_deadline_annotations_and_search(world):
    d = counter_dossier(world, at(2026, 3, 2, 9))  # due 5/3 17:00
    qs = queries.annotate_deadlines(queries.for_official(world.officer), now=at(2026, 3, 5, 9))
    row = qs.get()
    assert (row.is_due_soon, row.is_overdue) == (True, False)
    row = queries.annotate_deadlines(queries.for_official(world.officer), now=at(2026, 3, 6, 9)).get()
    assert (row.is_due_soon, row.is_overdue) == (False, True)
    base = queries.annotate_deadlines(queries.for_official(world.officer), now=at(2026, 3, 6, 9))
    assert list(queries.search(base, q="le thi hoa")) == [d]
    assert list(queries.search(base, q=d.code[-4:])) == [d]
    assert not queries.search(base, q="nguyen van").exists()
    assert list(queries.search(base, status=Status.RECEIVED, overdue=True)) == [d]
    assert not queries.search(base, status=Status.PROCESSING).exists()
    assert list(queries.search(base, received_from=at(2026, 3, 2).date(), received_to=at(2026, 3, 2).date())) == [d]


def test_public_lookup_needs_code_and_phone(world):
    d = counter_dossier(world, at(2026, 3, 2, 9))
    found = queries.public_lookup(d.code, "+84 912 345 678")
    assert found["code"] == d.code and found["status"] == Status.RECEIVED
    assert found["applicant_name"] != "Lê Thị Hoa"  # masked
    assert "applicant_id_number" not in found
    assert queries.public_lookup(d.code, "0999999999") is None
    assert queries.public_lookup(d.code[:-1], "0912345678") is None
    assert queries.public_lookup("", "") is None


def test_available_actions(world):
    d = STATES["processing"](world)
    d = queries.detail(queries.for_official(world.specialist).filter(pk=d.pk)).get()
    assert {t.action for t in queries.available_actions(d, world.specialist)} == {
        "forward", "request_supplement", "request_financial"}
    assert {t.action for t in queries.available_actions(d, world.leader)} == {"stop", "extend"}
    assert {t.action for t in queries.available_actions(d, world.officer)} == {"withdraw"}
    assert queries.available_actions(d, world.other_specialist) == []
    n = STATES["new"](world)
    assert {t.action for t in queries.available_actions(n, world.citizen)} == {"withdraw"}


def _page(user):
    qs = queries.annotate_deadlines(queries.with_list_related(queries.for_official(user)))
    return [(d.code, d.procedure_version.name, d.current_agency.name, d.reception_agency.name,
             getattr(d.current_assignee, "full_name", ""), d.is_overdue) for d in qs[:50]]


def test_list_queries_are_constant(world, django_assert_max_num_queries):
    counter_dossier(world, at(2026, 3, 2, 9))
    _page(world.officer)  # warms the calendar cache
    with django_assert_max_num_queries(2) as one:
        _page(world.officer)
    for i in range(6):
        d = counter_dossier(world, at(2026, 3, 2, 10 + i))
        services.perform(d.pk, "transfer", actor=world.officer, at=t(600 + i))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(_page(world.officer)) == 7


def test_detail_queries_are_constant(world, django_assert_num_queries):
    def load(pk):
        d = queries.detail(queries.for_official(world.leader).filter(pk=pk)).get()
        return [len(d.log.all()), len(d.components.all()), len(d.fees.all()), len(d.results.all()),
                [e.agency.name for e in d.log.all()], queries.available_actions(d, world.leader)]

    small = STATES["received"](world)
    big = STATES["returned"](world)
    with django_assert_num_queries(8):  # dossier + log + components + fees + results + supplements + slips + grants
        load(small.pk)
    with django_assert_num_queries(8):
        load(big.pk)
