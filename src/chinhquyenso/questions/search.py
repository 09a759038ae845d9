"""Diacritics-insensitive, ranked search of published answers, on SQLite and PostgreSQL.

Both backends index the Python-folded shadow columns Question.search_title / search_body
(core.text.fold: lower-case, marks stripped, đ→d), so "dang ky ket hon" and "Đăng ký kết hôn"
meet on either database and the folding rule lives in one place (docs/adr/0011-questions-search.md).

- SQLite (default run): an FTS5 table `questions_fts(title, body)` whose rowid is the question id,
  holding only public rows; services call sync() in the same transaction as the change. Ranked
  by bm25 with the title weighted 10:1. (FTS5's own remove_diacritics never folds "đ":
  stack.md §5.1.)
- PostgreSQL: a stored generated column search_vector = setweight(to_tsvector('simple', title),'A')
  || setweight(to_tsvector('simple', body),'B') with a partial GIN index over public rows, ranked
  by ts_rank_cd without re-parsing any text; when words
  match nothing (a typo: "dang ki"), a pg_trgm word_similarity fallback on the title, also
  GIN-indexed. The index follows the columns, so sync() has nothing to do there.

A query first requires every word; if that finds nothing, any word (minus a few function
words) — the "similar questions" panel relies on that second pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

from chinhquyenso.core.dbrouter import read_connection
from chinhquyenso.core.text import fold

MAX_TERMS = 12
# PostgreSQL ranks at most this many matches — the newest ones — and counts up to it: a phrase
# as common as "đăng ký khai sinh" matches 18,000 of 100,000 answers, and ranking or counting all
# of them reads every match's vector from disk (235 ms + 89 ms measured, bench/load). The page
# says "more than 500" and asks for more words; a citizen never pages past 25 pages anyway.
RANK_CANDIDATES = 500
MAX_TERM_LENGTH = 40
TRIGRAM_THRESHOLD = 0.45
# Function words that make an any-word query match everything ("tôi muốn hỏi thủ tục gì ...").
STOPWORDS = frozenset(
    ["toi", "ban", "xin", "hoi", "cho", "cua", "va", "la", "co", "khong", "duoc", "thi", "the", "nao", "gi", "o", "tai", "den", "voi", "nhu", "vay", "can", "phai", "muon", "em", "anh", "chi", "a", "nhe", "thu", "tuc", "lam", "nhung", "cac", "mot"]
)

PUBLIC_SQL = "q.status = 'published' AND NOT q.is_hidden"
# A stored generated column (migration 0004): setweight(to_tsvector('simple', search_title), 'A')
# || setweight(to_tsvector('simple', search_body), 'B'), GIN-indexed over public rows.
PG_VECTOR = "q.search_vector"


def terms(text: str) -> list[str]:
    """Folded words of a query, bounded in number and length (garbage input stays harmless)."""
    words = re.findall(r"\w+", fold(text or "")[:500])
    seen: list[str] = []
    for word in words:
        word = word[:MAX_TERM_LENGTH].replace("_", "")
        if word and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


@dataclass(frozen=True)
class Hits:
    ids: list[int]
    total: int
    more: bool = False  # more matches than RANK_CANDIDATES (PostgreSQL): total is then the cap


def _reader():
    """The search reads from the replica when the page asked for it (core.dbrouter), the trigram
    fallback too (its transaction is opened on the same connection)."""
    from .models import Question

    return read_connection(Question)


def _filters(province_id: int | None, topic_id: int | None, exclude_id: int | None) -> tuple[str, list]:
    sql, params = "", []
    if province_id is not None:
        sql += " AND q.province_id = %s"
        params.append(province_id)
    if topic_id is not None:
        sql += " AND q.topic_id = %s"
        params.append(topic_id)
    if exclude_id is not None:
        sql += " AND q.id <> %s"
        params.append(exclude_id)
    return sql, params


def _run(select_sql: str, count_sql: str, params: list, limit: int, offset: int) -> Hits:
    with _reader().cursor() as cursor:
        cursor.execute(count_sql, params)
        total = cursor.fetchone()[0]
        if not total:
            return Hits([], 0)
        cursor.execute(select_sql + " LIMIT %s OFFSET %s", [*params, limit, offset])
        return Hits([row[0] for row in cursor.fetchall()], total)


def _sqlite(words: list[str], any_word: bool, where: str, params: list, limit: int, offset: int) -> Hits:
    match = (" OR " if any_word else " ").join(f'"{w}"' for w in words)
    base = (
        " FROM questions_fts JOIN questions_question q ON q.id = questions_fts.rowid"
        f" WHERE questions_fts MATCH %s AND {PUBLIC_SQL}{where}"
    )
    return _run(
        f"SELECT q.id{base} ORDER BY bm25(questions_fts, 10.0, 1.0), q.published_at DESC",
        f"SELECT COUNT(*){base}",
        [match, *params], limit, offset,
    )


def _postgres(words: list[str], any_word: bool, where: str, params: list, limit: int, offset: int) -> Hits:
    query = (" | " if any_word else " & ").join(words)
    base = f" FROM questions_question q WHERE {PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s) AND {PUBLIC_SQL}{where}"
    return _pg_ranked(query, base, params, limit, offset)


def _pg_ranked(query: str, base: str, params: list, limit: int, offset: int) -> Hits:
    with _reader().cursor() as cursor:
        # Constant SQL fragments and an int; the words and filters are %s parameters.
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1{base} LIMIT {RANK_CANDIDATES + 1}) x",  # noqa: S608  # nosec B608
                       [query, *params])
        total = cursor.fetchone()[0]
        if not total:
            return Hits([], 0)
        cursor.execute(
            f"SELECT c.id FROM (SELECT q.id, {PG_VECTOR} AS v, q.published_at AS p{base}"  # noqa: S608  # nosec B608
            f" ORDER BY q.published_at DESC LIMIT {RANK_CANDIDATES}) c"
            " ORDER BY ts_rank_cd(c.v, to_tsquery('simple'::regconfig, %s)) DESC, c.p DESC LIMIT %s OFFSET %s",
            [query, *params, query, limit, offset],
        )
        return Hits([row[0] for row in cursor.fetchall()], min(total, RANK_CANDIDATES), total > RANK_CANDIDATES)


def _pg_trigram(text: str, where: str, params: list, limit: int, offset: int) -> Hits:
    base = f" FROM questions_question q WHERE %s <%% q.search_title AND {PUBLIC_SQL}{where}"
    with _reader().cursor() as cursor:
        cursor.execute(f"SET LOCAL pg_trgm.word_similarity_threshold = {TRIGRAM_THRESHOLD:.2f}")
        cursor.execute(f"SELECT COUNT(*){base}", [text, *params])
        total = cursor.fetchone()[0]
        if not total:
            return Hits([], 0)
        cursor.execute(
            f"SELECT q.id{base} ORDER BY word_similarity(%s, q.search_title) DESC, q.published_at DESC LIMIT %s OFFSET %s",
            [text, *params, text, limit, offset],
        )
        return Hits([row[0] for row in cursor.fetchall()], total)


def find(text: str, *, province_id: int | None = None, topic_id: int | None = None, exclude_id: int | None = None,
         limit: int = 20, offset: int = 0, similar: bool = False) -> Hits:
    """Ids of public questions matching `text`, best first, and how many match in all."""
    words = terms(text)
    if not words:
        return Hits([], 0)
    where, params = _filters(province_id, topic_id, exclude_id)
    backend = _postgres if connection.vendor == "postgresql" else _sqlite
    hits = Hits([], 0) if similar else backend(words, False, where, params, limit, offset)
    if not hits.total:
        content = [w for w in words if w not in STOPWORDS] or words
        hits = backend(content, True, where, params, limit, offset)
    if not hits.total and connection.vendor == "postgresql":
        from django.db import transaction

        with transaction.atomic(using=_reader().alias):  # SET LOCAL needs a transaction
            hits = _pg_trigram(" ".join(words), where, params, limit, offset)
    return hits


# --- index maintenance (called by services inside their transaction) --------------------------


def sync(question) -> None:
    """Make the SQLite FTS row of `question` match its public state; a no-op on PostgreSQL."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM questions_fts WHERE rowid = %s", [question.pk])
        if question.is_public:
            cursor.execute(
                "INSERT INTO questions_fts(rowid, title, body) VALUES (%s, %s, %s)",
                [question.pk, question.search_title, question.search_body],
            )


def rebuild() -> int:
    """Refill the SQLite index from the table (after a restore or a bulk import)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM questions_fts")
        refill = (  # constant SQL, no input
            "INSERT INTO questions_fts(rowid, title, body) SELECT q.id, q.search_title, q.search_body"  # noqa: S608  # nosec B608  # — constant SQL
            f" FROM questions_question q WHERE {PUBLIC_SQL}"
        )
        cursor.execute(refill)
        return cursor.rowcount
