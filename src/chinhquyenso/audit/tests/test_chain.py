"""The audit hash chain: intact chains verify, tampering and deletion are found (with the entry and
what was expected), existing entries are chained by the migration, and concurrent writers on
PostgreSQL never fork the chain."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from chinhquyenso.agencies import services as agency_services
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.audit import chain
from chinhquyenso.audit.models import AuditEntry, ChainHead
from chinhquyenso.audit.services import record, record_event

PG = connection.vendor == "postgresql"


@pytest.fixture
def sealed_at_insert(db):
    """PostgreSQL seals at commit, and a test's transaction never commits: seal at each insert."""
    if PG:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the actor FK check is deferred too


def _writes(n: int = 3):
    agency = AgencyFactory(name="Sở Nội vụ")
    for i in range(n):
        agency_services.update_agency(agency, name=f"Sở Nội vụ {i}")
    return list(AuditEntry.objects.order_by("seq"))


def _verify(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _broken(*args) -> str:
    with pytest.raises(CommandError) as exc:
        _verify(*args)
    assert exc.value.returncode == 1
    return str(exc.value)


def _raw(sql: str, params=()):
    """Change the trail behind the application's back, the append-only trigger set aside (rolled
    back with the test)."""
    with connection.cursor() as cursor:
        if PG:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_append_only")
        cursor.execute(sql, params)


def test_entries_form_one_chain_and_verify(sealed_at_insert):
    entries = _writes()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == chain.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.last_hash, head.last_entry_id) == (entries[-1].seq, entries[-1].hash, entries[-1].pk)
    out = _verify("--anchor", "--batch-size", "2")  # batches smaller than the chain
    assert f"nguyên vẹn: {len(entries)} bản ghi" in out
    assert f"Mốc: {entries[-1].seq}:{entries[-1].hash}" in out


def test_hash_covers_the_stored_values(sealed_at_insert):
    """What is hashed at write time is what the database gives back (JSON numbers, key types,
    timestamps), so verification does not flag honest entries."""
    agency = AgencyFactory()
    with transaction.atomic():
        entry = record("x.test", agency, before={"n": 1.0, "big": 1e20, 3: "ba"}, after={"s": "Đồng Hới", "f": 0.1})
    stored = AuditEntry.objects.values("id", *chain.CONTENT_FIELDS, "content_hash").get(pk=entry.pk)
    assert chain.content_hash(stored) == stored["content_hash"] == entry.content_hash
    assert "nguyên vẹn" in _verify()


def test_changed_entry_is_reported_with_expected_and_found(sealed_at_insert):
    entries = _writes()
    target = entries[1]
    _raw("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["giả mạo", target.pk])
    message = _broken()
    assert f"id={target.pk}, seq={target.seq}" in message
    assert "nội dung bản ghi đã bị sửa" in message
    assert f"tìm thấy: {target.content_hash}" in message
    assert "(1 bản ghi trước đó hợp lệ.)" in message


def test_rehashed_entry_breaks_the_next_link(sealed_at_insert):
    """A forger who recomputes the changed entry's hashes still breaks the next entry's link."""
    entries = _writes()
    target = entries[0]
    row = AuditEntry.objects.values("id", *chain.CONTENT_FIELDS).get(pk=target.pk)
    row["action"] = "agency.forged"
    content = chain.content_hash(row)
    link = chain.link_hash(target.seq, target.prev_hash, content)
    _raw("UPDATE audit_auditentry SET action = %s, content_hash = %s, hash = %s WHERE id = %s",
         ["agency.forged", content, link, target.pk])
    message = _broken()
    assert f"id={entries[1].pk}, seq=2" in message and "liên kết tới bản ghi trước" in message
    assert f"Mong đợi: {link}; tìm thấy: {target.hash}" in message


def test_deleted_entry_is_reported(sealed_at_insert):
    entries = _writes()
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    message = _broken()
    assert f"id={entries[2].pk}, seq=3" in message and "thiếu bản ghi" in message
    assert "Mong đợi: 2; tìm thấy: 3" in message


def test_deleted_last_entry_is_reported_by_the_head(sealed_at_insert):
    entries = _writes()
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    message = _broken()
    assert "bản ghi cuối đã bị xóa" in message and f"seq={entries[-1].seq}" in message


def test_rewritten_chain_is_caught_by_an_anchor(sealed_at_insert):
    """Whoever rewrites every hash and the head passes the chain walk; an anchor kept outside
    does not let it through."""
    entries = _writes()
    anchor = f"{entries[1].seq}:{entries[1].hash}"
    assert "nguyên vẹn" in _verify("--expect", anchor)
    prev = chain.GENESIS
    for e in entries:
        row = AuditEntry.objects.values("id", *chain.CONTENT_FIELDS).get(pk=e.pk)
        if e.seq == 1:
            row["actor_repr"] = "người khác"
        content = chain.content_hash(row)
        link = chain.link_hash(e.seq, prev, content)
        _raw("UPDATE audit_auditentry SET actor_repr = %s, content_hash = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [row["actor_repr"], content, prev, link, e.pk])
        prev = link
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s", [prev])
    assert "nguyên vẹn" in _verify()
    assert "chuỗi đã bị viết lại" in _broken("--expect", anchor)
    assert "không còn tới vị trí" in _broken("--expect", f"99:{'a' * 64}")


def test_bad_anchor_gets_a_clear_message(sealed_at_insert):
    with pytest.raises(CommandError, match="Mốc không hợp lệ"):
        call_command("audit_verify", "--expect", "abc")


def test_entry_about_no_single_row(sealed_at_insert):
    with transaction.atomic():
        entry = record_event("personal_data.retention", object_type="portal.retention", object_id="2026-01-01",
                             after={"reporters": 3})
    assert entry.action == "personal_data.retention" and entry.after == {"reporters": 3}
    assert "nguyên vẹn: 1 bản ghi" in _verify()


@pytest.mark.skipif(not PG, reason="the seal at commit is PostgreSQL's")
@pytest.mark.django_db
def test_postgresql_lets_only_the_seal_fill_the_chain_columns():
    """Deferred (the default): the entry is unsealed until commit, and no client may seal (or
    forge) it by hand; only the trigger at commit does."""
    entry = AuditEntry.objects.for_object(AgencyFactory()).get()
    assert entry.seq is None and entry.content_hash
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seq = 1, hash = 'x' WHERE id = %s", [entry.pk])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS audit_chain_seal IMMEDIATE")  # what COMMIT does
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.seq == 1 and entry.hash == chain.link_hash(1, chain.GENESIS, entry.content_hash)


@pytest.mark.django_db(transaction=True)
def test_migration_chains_existing_entries():
    """Entries written before the chain get one, in id order, and the seal works after it."""
    agency = AgencyFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0003_chain_columns")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_chainhead")
            if PG:
                cursor.execute("TRUNCATE audit_auditentry")
            else:
                cursor.execute("DELETE FROM audit_auditentry")
            for i in range(5):  # as the application wrote them before: no chain columns
                cursor.execute(
                    "INSERT INTO audit_auditentry (at, actor_repr, ip, user_agent, via, action, object_type, object_id,"
                    " object_repr, before, after, province_code, content_hash, prev_hash, hash)"
                    " VALUES (CURRENT_TIMESTAMP, 'cũ', '', '', 'web', %s, 'agencies.agency', %s, 'Sở', %s, NULL, '38',"
                    " '', '', '')",
                    [f"legacy.{i}", str(agency.pk), f'{{"name": "Sở {i}"}}'],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert [e.action for e in entries] == [f"legacy.{i}" for i in range(5)]
    assert "nguyên vẹn: 5 bản ghi" in _verify()
    with transaction.atomic():
        record("after.migration", agency)
    assert AuditEntry.objects.get(action="after.migration").seq == 6
    assert "nguyên vẹn: 6 bản ghi" in _verify()
    if not PG:  # the table was rebuilt by 0003: the append-only trigger is back
        from django.db import DatabaseError

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET action = 'x'")


@pytest.mark.skipif(not PG, reason="concurrent writers need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain():
    agency = AgencyFactory()
    threads_n, per_thread = 6, 25
    errors = []
    start = threading.Barrier(threads_n)

    def writer(n: int):
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record(f"concurrent.{n}.{i}", agency)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    written = AuditEntry.objects.filter(action__startswith="concurrent.").count()
    assert written == threads_n * per_thread
    total = AuditEntry.objects.count()
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert f"nguyên vẹn: {total} bản ghi" in _verify()
    # the writers really interleaved: not one thread's entries all in a row
    order = [a.split(".")[1] for a in AuditEntry.objects.filter(action__startswith="concurrent.")
             .order_by("seq").values_list("action", flat=True)]
    assert sum(1 for a, b in zip(order, order[1:], strict=False) if a != b) > threads_n
