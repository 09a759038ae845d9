"""Chain the entries written before the hash chain existed, and install the seal.

Existing entries are chained in id order (their insertion order) in batches; the append-only
trigger is set aside for that (PostgreSQL: disabled for this transaction's table; SQLite: dropped
and created again, as migration 0003 rebuilt the table and lost it anyway).

PostgreSQL then seals every new entry at commit: a deferred constraint trigger locks the chain
head, gives the entry the next seq and its link hash (built-in sha256(), same formula as
chain.link_hash) and moves the head. The append-only trigger lets exactly that update through:
called from a trigger (depth > 1), on a row not yet sealed, changing nothing but the chain columns.
SQLite refuses every UPDATE: Python seals there at insert (audit.services.record)."""

from django.db import migrations

from chinhquyenso.audit.chain import CONTENT_FIELDS, GENESIS, content_hash, link_hash

BATCH = 1000
UNCHANGED = ", ".join(f"{{0}}.{c}" for c in (
    "id", "at", "actor_id", "actor_repr", "ip", "user_agent", "via", "action", "object_type", "object_id",
    "object_repr", "before", "after", "province_code", "content_hash",
))
PG_APPEND_ONLY = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND ROW({UNCHANGED.format("NEW")}) IS NOT DISTINCT FROM ROW({UNCHANGED.format("OLD")}) THEN
        RETURN NEW;  -- the seal below, filling the chain columns of an entry of this transaction
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""
PG_OLD_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""
PG_SEAL = """
CREATE OR REPLACE FUNCTION audit_chain_seal() RETURNS trigger AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    new_hash text;
BEGIN
    IF NEW.seq IS NOT NULL THEN
        RETURN NULL;  -- restored with its chain columns (fixtures, serialized test data)
    END IF;
    SELECT seq, last_hash INTO head_seq, head_hash FROM audit_chainhead WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN  -- flushed with the table (tests): continue from the last sealed entry
        INSERT INTO audit_chainhead (id, seq, last_hash, last_entry_id)
        SELECT 1, COALESCE(e.seq, 0), COALESCE(e.hash, repeat('0', 64)), e.id
        FROM (SELECT 1) AS one LEFT JOIN LATERAL (
            SELECT seq, hash, id FROM audit_auditentry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1
        ) AS e ON true
        ON CONFLICT (id) DO NOTHING;
        SELECT seq, last_hash INTO head_seq, head_hash FROM audit_chainhead WHERE id = 1 FOR UPDATE;
    END IF;
    new_hash := encode(sha256(convert_to(
        'cqs-audit-v1|' || (head_seq + 1)::text || '|' || head_hash || '|' || NEW.content_hash, 'UTF8')), 'hex');
    UPDATE audit_auditentry SET seq = head_seq + 1, prev_hash = head_hash, hash = new_hash WHERE id = NEW.id;
    UPDATE audit_chainhead SET seq = head_seq + 1, last_hash = new_hash, last_entry_id = NEW.id WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_chain_seal ON audit_auditentry;
CREATE CONSTRAINT TRIGGER audit_chain_seal AFTER INSERT ON audit_auditentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_chain_seal();
"""
PG_SEAL_DOWN = """
DROP TRIGGER IF EXISTS audit_chain_seal ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_chain_seal();
"""
SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
"""


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_append_only")
    seq, prev, last_id, after_id = 0, GENESIS, None, 0
    while True:
        batch = list(
            AuditEntry.objects.filter(pk__gt=after_id, seq__isnull=True).order_by("pk")
            .values("pk", *CONTENT_FIELDS)[:BATCH]
        )
        if not batch:
            break
        updates = []
        for row in batch:
            seq += 1
            content = content_hash(row)
            digest = link_hash(seq, prev, content)
            updates.append(AuditEntry(pk=row["pk"], seq=seq, prev_hash=prev, hash=digest, content_hash=content))
            prev, last_id = digest, row["pk"]
        AuditEntry.objects.bulk_update(updates, ["seq", "prev_hash", "hash", "content_hash"])
        after_id = batch[-1]["pk"]
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "last_hash": prev, "last_entry_id": last_id})
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
        schema_editor.execute(PG_APPEND_ONLY)
        schema_editor.execute(PG_SEAL)
    else:
        schema_editor.execute(SQLITE_APPEND_ONLY)


def unchain(apps, schema_editor):
    """Back to migration 0003: the seal goes; the chain columns stay until 0003 is reversed."""
    vendor = schema_editor.connection.vendor
    apps.get_model("audit", "ChainHead").objects.all().delete()
    if vendor == "postgresql":
        schema_editor.execute(PG_SEAL_DOWN)
        schema_editor.execute(PG_OLD_APPEND_ONLY)
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_append_only")
        schema_editor.execute(SQLITE_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_columns")]
    operations = [migrations.RunPython(chain_existing, unchain)]
