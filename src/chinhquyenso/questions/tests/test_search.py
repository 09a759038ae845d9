"""Search of published answers on real Vietnamese phrases, with and without diacritics (đ/Đ
included). Runs on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm) alike."""

import pytest
from django.db import connection

from chinhquyenso.questions import queries, search, services
from chinhquyenso.questions.models import Status

from .factories import advance, ask, published

pytestmark = pytest.mark.django_db

PHRASES = {
    "birth": ("Thủ tục đăng ký khai sinh cho con khi cha mẹ chưa đăng ký kết hôn",
              "Con tôi sinh tháng 3/2026, vợ chồng tôi chưa đăng ký kết hôn. Làm khai sinh ở đâu?"),
    "land": ("Cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho đất ở có nguồn gốc ông bà để lại",
             "Gia đình tôi sử dụng ổn định thửa đất từ năm 1990, không tranh chấp."),
    "business": ("Đăng ký hộ kinh doanh tại phường Đông Sơn cần giấy tờ gì",
                 "Tôi muốn mở quán cà phê nhỏ tại nhà, đường Trần Hưng Đạo."),
    "insurance": ("Mức đóng bảo hiểm xã hội tự nguyện năm 2026",
                  "Tôi làm nông, muốn tham gia bảo hiểm xã hội tự nguyện để hưởng lương hưu."),
    "marriage": ("Đăng ký kết hôn với người nước ngoài thực hiện ở đâu",
                 "Tôi kết hôn với công dân Hàn Quốc, hồ sơ nộp ở UBND xã hay Sở Tư pháp?"),
}


@pytest.fixture
def corpus(world):
    made = {key: published(world, title, body) for key, (title, body) in PHRASES.items()}
    made["draft"] = advance(world, ask(world, title="Đăng ký khai sinh lưu động ở vùng cao"), Status.DRAFTED)
    return made


def titles(text, **kw):
    return [q.title for q in queries.search(text, **kw).items]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("đăng ký khai sinh", "birth"),
        ("dang ky khai sinh", "birth"),
        ("DANG KY KHAI SINH", "birth"),
        ("ĐĂNG KÝ KHAI SINH", "birth"),
        ("giấy chứng nhận quyền sử dụng đất", "land"),
        ("giay chung nhan quyen su dung dat", "land"),
        ("đất ở", "land"),
        ("dat o", "land"),
        ("hộ kinh doanh", "business"),
        ("ho kinh doanh dong son", "business"),
        ("Đông Sơn", "business"),
        ("duong tran hung dao", "business"),
        ("bảo hiểm xã hội tự nguyện", "insurance"),
        ("bao hiem xa hoi tu nguyen", "insurance"),
        ("ket hon nguoi nuoc ngoai", "marriage"),
        ("Kết hôn với người nước ngoài", "marriage"),
    ],
)
def test_finds_with_and_without_diacritics(corpus, text, expected):
    result = titles(text)
    assert result, text
    assert result[0] == corpus[expected].title


def test_title_matches_rank_above_body_matches(corpus):
    # "kết hôn" is in the marriage title and only in the birth question's title as "đăng ký kết hôn";
    # "hàn quốc" only in a body.
    assert titles("han quoc") == [corpus["marriage"].title]
    ranked = titles("ket hon")
    assert set(ranked[:2]) == {corpus["marriage"].title, corpus["birth"].title}


def test_unpublished_and_hidden_are_not_found(world, corpus):
    assert corpus["draft"].title not in titles("khai sinh luu dong")
    services.hide(corpus["insurance"], world["leader"], "Thông tin mức đóng đã thay đổi")
    assert corpus["insurance"].title not in titles("bao hiem xa hoi tu nguyen")
    services.unhide(corpus["insurance"], world["leader"])
    assert titles("bao hiem xa hoi tu nguyen") == [corpus["insurance"].title]


def test_answer_text_is_searched(world):
    q = published(world, "Hỏi về lệ phí chứng thực bản sao",
                  answer="Lệ phí chứng thực bản sao từ bản chính là 2.000 đồng/trang theo Thông tư 226/2016/TT-BTC.")
    assert titles("thong tu 226") == [q.title]


def test_filters_by_province_and_topic(world, corpus):
    assert titles("dang ky", province_id=world["other_province"].pk) == []
    assert corpus["land"].title not in titles("dat", topic_id=world["land"].pk)


def test_any_word_fallback_for_similar_questions(corpus):
    # No question has every word, but the title being typed shares its content words with one.
    similar = queries.similar("Tôi muốn hỏi làm khai sinh cho cháu nội thế nào", province_id=corpus["birth"].province_id)
    assert similar and similar[0].title == corpus["birth"].title


@pytest.mark.parametrize("garbage", ['"', "'); DROP TABLE questions_question; --", "*", "NEAR(a b)", "AND OR NOT",
                                     "khai sinh\x00", "-", "a" * 5000, "🙂🙂", "<script>alert(1)</script>", ""])
def test_garbage_queries_do_not_fail(corpus, garbage):
    queries.search(garbage)
    queries.similar(garbage)


def test_terms_are_folded_and_bounded():
    assert search.terms("Đăng KÝ   đất-đai!") == ["dang", "ky", "dat", "dai"]
    assert len(search.terms(" ".join(f"tu{i}" for i in range(100)))) == search.MAX_TERMS


def test_rebuild_restores_the_sqlite_index(corpus):
    count = search.rebuild()
    if connection.vendor == "sqlite":
        assert count == len(PHRASES)
    assert titles("dang ky ho kinh doanh")[0] == corpus["business"].title


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm fallback is PostgreSQL only")
def test_trigram_fallback_on_typos(corpus):
    assert titles("khaisinh")[:1] == [corpus["birth"].title]


def _search_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT question_id, vector::text FROM questions_search ORDER BY question_id")
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are PostgreSQL only")
def test_postgres_search_table_indexes_and_triggers(corpus):
    """questions_search (migration 0006) is GIN-indexed and ordered by publication, and its
    triggers fire even in bulk loads that switch ordinary triggers off (ENABLE ALWAYS). (Whether
    the planner picks an index depends on table size, so plans are not asserted here.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('questions_search', "
                       "'questions_question')")
        defs = dict(cursor.fetchall())
        cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'questions_question'::regclass "
                       "AND tgname LIKE 'questions_search_%'")
        triggers = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'questions_question'::regclass "
                       "AND attname = 'search_vector' AND NOT attisdropped")
        assert cursor.fetchone()[0] == 0  # the vector lives in questions_search only
    assert "USING gin (vector)" in defs["questions_search_vector"]
    assert "(province_id, published_at DESC, question_id DESC)" in defs["questions_search_recent"]
    assert "(province_id, topic_id, published_at DESC, question_id DESC)" in defs["questions_search_topic_recent"]
    assert "gin_trgm_ops" in defs["question_title_trgm"]
    assert "WHERE (((status)::text = 'published'::text) AND (NOT is_hidden))" in defs["question_title_trgm"]
    assert triggers == {"questions_search_inserted": "A", "questions_search_changed": "A",
                        "questions_search_truncated": "A"}
    assert set(_search_rows()) == {q.pk for key, q in corpus.items() if key != "draft"}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="questions_search is PostgreSQL's")
def test_search_table_follows_every_writer(world, corpus):
    """Services, plain updates, bulk inserts (even with replication-role replica, as bench/generate
    loads) and deletes all keep questions_search equal to the public answers."""
    from django.db import transaction

    from chinhquyenso.questions.models import Question

    def public_ids():
        return set(Question.objects.filter(status=Status.PUBLISHED, is_hidden=False).values_list("pk", flat=True))

    services.hide(corpus["land"], world["leader"], "Thông tin đã cũ, chờ cập nhật")
    assert set(_search_rows()) == public_ids() and corpus["land"].pk not in _search_rows()
    services.unhide(corpus["land"], world["leader"])
    assert corpus["land"].pk in _search_rows()
    Question.objects.filter(pk=corpus["business"].pk).update(search_title="mo quan ca phe")
    assert "'phe'" in _search_rows()[corpus["business"].pk]
    template = corpus["insurance"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        Question.objects.bulk_create([Question(
            code=f"HD-38-2026-9{i:05d}", province_id=template.province_id, topic_id=template.topic_id,
            agency_id=template.agency_id, status=Status.PUBLISHED, title=f"Hỏi về tách thửa số {i}",
            body="Thủ tục tách thửa", answer="Trả lời", search_title=f"hoi ve tach thua so {i}",
            search_body="thu tuc tach thua", asker_name="Người hỏi", published_at=template.published_at)
            for i in range(3)])
    assert set(_search_rows()) == public_ids()
    assert len(titles("tach thua")) == 3
    Question.objects.filter(code__startswith="HD-38-2026-9").delete()
    assert set(_search_rows()) == public_ids()
    assert search.rebuild() == len(public_ids())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the window is PostgreSQL's")
def test_the_window_finds_the_same_candidates_as_the_index(world, monkeypatch):
    """The newest-first window is a shortcut, never a different answer: with the window, without it
    (the GIN branch), and with a window too small to decide, the same ids in the same order."""
    for i in range(7):
        published(world, f"Đăng ký khai sinh cho con thứ {i}", answer=f"Khai sinh tại UBND xã, trường hợp {i}.")
    published(world, "Cấp bản sao trích lục hộ tịch")
    province_id = world["province"].pk
    monkeypatch.setattr(search, "RANK_CANDIDATES", 4)
    results = []
    for window in (1000, 5, 2):
        monkeypatch.setattr(search, "WINDOW", window)
        for windowed in (True, False):
            hits = search._postgres(["khai", "sinh"], False, province_id, None, None, 20, 0) if windowed else \
                search._pg_ranked("khai & sinh", "TRUE AND d.province_id = %s", [province_id], 20, 0, windowed=False)
            results.append((hits.ids, hits.total, hits.more))
    assert all(r == results[0] for r in results) and results[0][1:] == (4, True)


def test_results_are_cached_until_an_answer_changes_state(world, corpus, django_assert_num_queries):
    province_id = world["province"].pk
    first = queries.search("ket hon", province_id=province_id, listing=True)
    with django_assert_num_queries(1):  # the rows of the page only: the ranked ids come from the cache
        again = queries.search("ket hon", province_id=province_id, listing=True)
    assert again == first
    services.hide(corpus["marriage"], world["leader"], "Nội dung cần kiểm tra lại")
    assert corpus["marriage"].title not in [row["title"] for row in
                                            queries.search("ket hon", province_id=province_id, listing=True).items]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ranking cap is PostgreSQL's")
def test_common_phrases_rank_the_newest_matches_and_say_there_are_more(corpus, monkeypatch, client):
    """"đăng ký kết hôn" matches "birth" (older) and "marriage" (newer): with a cap of one the
    newest is ranked, the count says 1 and that there are more — nothing reads every match."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    page = queries.search("đăng ký kết hôn")
    assert [q.title for q in page.items] == [corpus["marriage"].title] and page.total == 1 and page.more
    body = client.get("/hoi-dap/", {"q": "đăng ký kết hôn", "tinh": corpus["marriage"].province.code}).content.decode()
    assert "Hơn 1 câu hỏi phù hợp" in body
    monkeypatch.setattr(search, "RANK_CANDIDATES", 500)
    page = queries.search("đăng ký kết hôn")
    assert page.total == 2 and not page.more


def test_public_topic_counts_are_cached_per_province(corpus, django_assert_num_queries):
    province_id = corpus["birth"].province_id
    first = queries.public_topics(province_id)
    assert sum(t.published for t in first) == 5  # the draft is not counted
    with django_assert_num_queries(0):
        again = queries.public_topics(province_id)
    assert [(t.pk, t.published) for t in again] == [(t.pk, t.published) for t in first]
