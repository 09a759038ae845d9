"""Diacritics-insensitive, ranked search of published answers, on SQLite and PostgreSQL.

Both backends index the Python-folded shadow columns Question.search_title / search_body
(core.text.fold: lower-case, marks stripped, đ→d), so "dang ky ket hon" and "Đăng ký kết hôn"
meet on either database and the folding rule lives in one place (docs/adr/0011-questions-search.md).

- SQLite (default run): an FTS5 table `questions_fts(title, body)` whose rowid is the question id,
  holding only public rows; services call sync() in the same transaction as the change. Ranked
  by bm25 with the title weighted 10:1. (FTS5's own remove_diacritics never folds "đ":
  stack.md §5.1.)
- PostgreSQL: a narrow table `questions_search` (question, province, topic, published_at and the
  weighted vector setweight(to_tsvector('simple', title),'A') || setweight(to_tsvector('simple',
  body),'B')) holding only public answers, GIN-indexed and ordered by publication, kept by triggers
  on the question table (migration 0006), so sync() has nothing to do there. Ranked by ts_rank_cd
  over the stored vectors of at most RANK_CANDIDATES matches — the newest; when words match
  nothing (a typo: "dang ki"), a pg_trgm word_similarity fallback on the title, also GIN-indexed.

A query first requires every word; if that finds nothing, any word (minus a few function
words) — the "similar questions" panel relies on that second pass.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

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


def _postgres(words: list[str], any_word: bool, province_id: int | None, topic_id: int | None,
              exclude_id: int | None, limit: int, offset: int) -> Hits:
    query = (" | " if any_word else " & ").join(words)
    where, params = "TRUE", []
    for column, value in (("province_id", province_id), ("topic_id", topic_id)):
        if value is not None:
            where += f" AND d.{column} = %s"
            params.append(value)
    if exclude_id is not None:
        where += " AND d.question_id <> %s"
        params.append(exclude_id)
    # The window follows questions_search_recent / _topic_recent, which start with the province.
    return _pg_ranked(query, where, params, limit, offset, windowed=province_id is not None)


# The ranked page in ONE statement over questions_search (public answers only). `w`: the newest
# answers of the province (or of one of its topics) in publication order, the first WINDOW of them
# tested against the words — for a phrase matching more than RANK_CANDIDATES of them, those are
# exactly the RANK_CANDIDATES newest matches, and no other row is read. Otherwise (a rarer phrase)
# the GIN index finds every match and the newest RANK_CANDIDATES + 1 are kept; PostgreSQL skips
# that branch entirely when the window sufficed (a one-time filter). The count ("more than
# RANK_CANDIDATES") comes from the same rows, and the rank orders the candidates by their stored
# vectors. Twenty load-test phrases at 100,000 answers (bench/load): 10 ms median, 23 ms p95,
# against 36 / 140 ms for a count and a ranking over the question rows.
_PG_RANKED = """
WITH w AS MATERIALIZED ({first}),
c AS MATERIALIZED (
  SELECT id, v, p FROM w WHERE (SELECT count(*) FROM w) > {cap}
  UNION ALL
  (SELECT d.question_id, d.vector, d.published_at FROM questions_search d
   WHERE {where} AND d.vector @@ to_tsquery('simple'::regconfig, %s) AND (SELECT count(*) FROM w) <= {cap}
   ORDER BY d.published_at DESC, d.question_id DESC LIMIT {cap_plus})
)
SELECT (SELECT count(*) FROM c), ARRAY(
  SELECT r.id FROM (SELECT id, v, p FROM c ORDER BY p DESC, id DESC LIMIT {cap}) r
  ORDER BY ts_rank_cd(r.v, to_tsquery('simple'::regconfig, %s)) DESC, r.p DESC, r.id DESC LIMIT %s OFFSET %s)
"""
_PG_WINDOW = """
SELECT s.id, s.v, s.p FROM (
  SELECT d.question_id AS id, d.vector AS v, d.published_at AS p FROM questions_search d
  WHERE {where} ORDER BY d.published_at DESC LIMIT {window}
) s WHERE s.v @@ to_tsquery('simple'::regconfig, %s) ORDER BY s.p DESC LIMIT {cap_plus}
"""
# No window (no province to start the index with): an empty first branch, the GIN branch runs.
_PG_NO_WINDOW = "SELECT NULL::bigint AS id, NULL::tsvector AS v, NULL::timestamptz AS p WHERE false"
WINDOW = 5000


def _pg_ranked(query: str, where: str, params: list, limit: int, offset: int, *, windowed: bool) -> Hits:
    """`where`: conditions on questions_search d, with `params` for them."""
    sizes = {"cap": RANK_CANDIDATES, "cap_plus": RANK_CANDIDATES + 1, "window": WINDOW}
    first = _PG_WINDOW.format(where=where, **sizes) if windowed else _PG_NO_WINDOW
    sql = _PG_RANKED.format(first=first, where=where, **sizes)
    window_args = [*params, query] if windowed else []
    with _reader().cursor() as cursor:
        # Constant SQL fragments and ints; the words and filters are %s parameters.
        cursor.execute(sql, [*window_args, *params, query, query, limit, offset])  # nosec B608 — see above
        total, ids = cursor.fetchone()
    return Hits(list(ids or []), min(total, RANK_CANDIDATES), total > RANK_CANDIDATES)


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


# Results (ids and counts, never rows) are kept a few minutes per query: citizens ask the same
# things ("đăng ký khai sinh"), and a page of ids a few minutes old is harmless — the page loads
# the rows through queries.public_questions(), so an answer hidden meanwhile is never shown, and
# sync() starts a new generation of keys when an answer is published, hidden or shown again (at
# once in this process, and in every process when the cache is shared: settings CACHE_URL).
RESULTS_SECONDS = 300  # settings.QUESTIONS_SEARCH_CACHE_SECONDS
GENERATION_KEY = "questions:search:generation"


def _cache_key(words: list[str], *args) -> str:
    digest = hashlib.sha256(repr((words, args)).encode()).hexdigest()[:32]
    return f"questions:search:{cache.get(GENERATION_KEY, 0)}:{digest}"


def find(text: str, *, province_id: int | None = None, topic_id: int | None = None, exclude_id: int | None = None,
         limit: int = 20, offset: int = 0, similar: bool = False) -> Hits:
    """Ids of public questions matching `text`, best first, and how many match in all."""
    words = terms(text)
    if not words:
        return Hits([], 0)
    key = _cache_key(words, connection.vendor, province_id, topic_id, exclude_id, limit, offset, similar,
                     RANK_CANDIDATES, WINDOW)
    hits = cache.get(key)
    if hits is None:
        hits = _find(words, province_id, topic_id, exclude_id, limit, offset, similar)
        cache.set(key, hits, getattr(settings, "QUESTIONS_SEARCH_CACHE_SECONDS", RESULTS_SECONDS))
    return hits


def _find(words: list[str], province_id, topic_id, exclude_id, limit: int, offset: int, similar: bool) -> Hits:
    where, params = _filters(province_id, topic_id, exclude_id)
    if connection.vendor == "postgresql":
        backend = functools.partial(_postgres, province_id=province_id, topic_id=topic_id, exclude_id=exclude_id,
                                    limit=limit, offset=offset)
    else:
        backend = functools.partial(_sqlite, where=where, params=params, limit=limit, offset=offset)
    hits = Hits([], 0) if similar else backend(words, False)
    if not hits.total:
        content = [w for w in words if w not in STOPWORDS] or words
        hits = backend(content, True)
    if not hits.total and connection.vendor == "postgresql":
        with transaction.atomic(using=_reader().alias):  # SET LOCAL needs a transaction
            hits = _pg_trigram(" ".join(words), where, params, limit, offset)
    return hits


def _new_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # missing (never set, evicted or expired)
        cache.set(GENERATION_KEY, int(time.time()), None)


# --- index maintenance (called by services inside their transaction) --------------------------


def sync(question) -> None:
    """After a change of `question`'s public state: cached results start over — now, for this
    transaction's own reads, and again once it commits, for results another request cached from
    the state before the commit meanwhile — and the SQLite FTS row follows the row
    (PostgreSQL's questions_search follows by trigger)."""
    _new_generation()
    transaction.on_commit(_new_generation)
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM questions_fts WHERE rowid = %s", [question.pk])
        if question.is_public:
            cursor.execute(
                "INSERT INTO questions_fts(rowid, title, body) VALUES (%s, %s, %s)",
                [question.pk, question.search_title, question.search_body],
            )


# The vector of migration 0006's triggers (kept in step with them).
PG_VECTOR = ("setweight(to_tsvector('simple'::regconfig, q.search_title), 'A') || "
             "setweight(to_tsvector('simple'::regconfig, q.search_body), 'B')")


def rebuild() -> int:
    """Refill the index from the table (after a restore or a bulk import that bypassed it): the
    FTS5 table on SQLite, questions_search on PostgreSQL (its triggers keep it otherwise)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE questions_search")
            refill = (  # constant SQL, no input
                "INSERT INTO questions_search (question_id, province_id, topic_id, published_at, vector)"  # noqa: S608  # nosec B608
                f" SELECT q.id, q.province_id, q.topic_id, COALESCE(q.published_at, q.received_at), {PG_VECTOR}"
                f" FROM questions_question q WHERE {PUBLIC_SQL} ORDER BY 4"  # publication order: see 0006
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM questions_fts")
            refill = (  # constant SQL, no input
                "INSERT INTO questions_fts(rowid, title, body) SELECT q.id, q.search_title, q.search_body"  # noqa: S608  # nosec B608
                f" FROM questions_question q WHERE {PUBLIC_SQL}"
            )
        else:
            return 0
        cursor.execute(refill)
        return cursor.rowcount
