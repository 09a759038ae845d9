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


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are PostgreSQL only")
def test_postgres_search_indexes_match_the_queries(corpus):
    """The partial GIN indexes exist over exactly the expressions search.py queries. (Whether the
    planner picks them depends on table size: on a handful of rows it rightly prefers the status
    btree, so the plan itself is not asserted here.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'questions_question'")
        defs = dict(cursor.fetchall())
    assert "USING gin (search_vector)" in defs["question_fts_gin"]
    cursor = connection.cursor()
    cursor.execute("SELECT pg_get_expr(d.adbin, d.adrelid), a.attgenerated FROM pg_attribute a "
                   "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                   "WHERE a.attrelid = 'questions_question'::regclass AND a.attname = 'search_vector'")
    expression, generated = cursor.fetchone()
    assert generated == "s"  # stored
    assert expression.count("to_tsvector('simple'::regconfig") == 2
    assert "search_title" in expression and "search_body" in expression
    assert "gin_trgm_ops" in defs["question_title_trgm"]
    for name in ("question_fts_gin", "question_title_trgm"):
        assert "WHERE (((status)::text = 'published'::text) AND (NOT is_hidden))" in defs[name]


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
