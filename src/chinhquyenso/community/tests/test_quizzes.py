import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from chinhquyenso.community import queries
from chinhquyenso.community.models import Choice, Entry, PhoneCode
from chinhquyenso.community.services import quizzes as svc
from chinhquyenso.notifications.models import Notification

from .conftest import at, make_world

OPENS = at(2025, 10, 1, 8, 0)
CLOSES = at(2025, 10, 10, 8, 0)
MIN = datetime.timedelta(minutes=1)


def make_quiz(w, *, n_questions=6, count=4, duration=10, opens=OPENS, closes=CLOSES):
    qs = [
        svc.create_question(w["province_official"], w["province"], topic="Dịch vụ công",
                            text=f"Câu hỏi số {i}?", choices=[("Đúng", True), ("Sai", False), ("Cũng đúng", i % 2 == 0)])
        for i in range(n_questions)
    ]
    return svc.create_quiz(w["province_official"], w["ubnd"], title="Tìm hiểu chuyển đổi số 2025", opens_at=opens,
                           closes_at=closes, duration_minutes=duration, question_count=count, questions=qs)


@pytest.fixture
def quiz(world):
    return make_quiz(world)


def correct_answers(entry) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for qid, cid in Choice.objects.filter(question_id__in=entry.question_ids, is_correct=True).values_list(
            "question_id", "pk"):
        out.setdefault(qid, []).append(cid)
    return out


def wrong_answer(entry, qid) -> list[int]:
    return [Choice.objects.filter(question_id=qid, is_correct=False).values_list("pk", flat=True).first()]


def test_one_entry_per_account_and_per_phone(world, quiz):
    citizen = world["citizen"]  # phone 0912345678
    e1, created = svc.start_entry(quiz, commune=world["c1"], user=citizen, now=OPENS + MIN)
    assert created and len(e1.question_ids) == 4 and len(set(e1.question_ids)) == 4
    again, created = svc.start_entry(quiz, commune=world["c2"], user=citizen, now=OPENS + 5 * MIN)
    assert not created and again.pk == e1.pk and again.deadline_at == e1.deadline_at  # no restart
    by_phone, created = svc.start_entry(quiz, commune=world["c1"], phone="0912345678", full_name="Lê Thị Hoa",
                                        now=OPENS + 6 * MIN)
    assert not created and by_phone.pk == e1.pk  # the account's phone is the same person
    other, created = svc.start_entry(quiz, commune=world["c2"], phone="0987654321", full_name="Trần Văn C",
                                     now=OPENS + 6 * MIN)
    assert created and Entry.objects.filter(quiz=quiz).count() == 2


def test_draw_is_deterministic_per_person(world):
    quiz = make_quiz(world, n_questions=20, count=5)
    pool = list(quiz.questions.values_list("pk", flat=True))
    assert svc.draw(quiz, "p0987654321", pool) == svc.draw(quiz, "p0987654321", list(reversed(pool)))
    draws = {tuple(svc.draw(quiz, f"p09876543{i:02d}", pool)) for i in range(10)}
    assert len(draws) > 1


def test_start_rules(world, quiz):
    with pytest.raises(ValidationError, match="chưa mở"):
        svc.start_entry(quiz, commune=world["c1"], phone="0987654321", full_name="A", now=OPENS - MIN)
    with pytest.raises(ValidationError, match="kết thúc"):
        svc.start_entry(quiz, commune=world["c1"], phone="0987654321", full_name="A", now=CLOSES)
    with pytest.raises(ValidationError, match="thuộc tỉnh"):
        svc.start_entry(quiz, commune=world["c3"], phone="0987654321", full_name="A", now=OPENS + MIN)
    with pytest.raises(ValidationError, match="đăng nhập hoặc xác thực"):
        svc.start_entry(quiz, commune=world["c1"], full_name="A", now=OPENS + MIN)
    # Starting late: the timer stops at closing time, not after it.
    entry, _ = svc.start_entry(quiz, commune=world["c1"], phone="0987654321", full_name="A", now=CLOSES - 3 * MIN)
    assert entry.deadline_at == CLOSES


def test_server_timer_with_time_machine(world, quiz):
    with time_machine.travel(OPENS + MIN, tick=False) as traveller:
        entry, _ = svc.start_entry(quiz, commune=world["c1"], user=world["citizen"])
        assert entry.deadline_at == OPENS + 11 * MIN
        right = correct_answers(entry)
        q1, q2, q3, q4 = entry.question_ids
        traveller.move_to(OPENS + 5 * MIN)
        svc.save_answer(entry.token, q1, right[q1])
        svc.save_answer(entry.token, q2, wrong_answer(entry, q2))
        svc.save_answer(entry.token, q2, right[q2])  # changed while time runs: the latest counts
        traveller.move_to(OPENS + 11 * MIN)  # exactly the deadline: still accepted
        svc.save_answer(entry.token, q3, right[q3])
        traveller.move_to(OPENS + 11 * MIN + datetime.timedelta(seconds=1))
        with pytest.raises(ValidationError, match="hết giờ"):
            svc.save_answer(entry.token, q4, right[q4])
        traveller.move_to(OPENS + 30 * MIN)
        done = svc.submit(entry.token, {q4: right[q4], q1: wrong_answer(entry, q1)})  # late: ignored
    assert done.correct_count == 3
    assert done.submitted_at == OPENS + 11 * MIN and done.time_taken_seconds == 600
    with pytest.raises(svc.AlreadySubmitted):
        svc.submit(entry.token, {}, now=OPENS + 31 * MIN)
    with pytest.raises(svc.AlreadySubmitted):
        svc.save_answer(entry.token, q4, right[q4], now=OPENS + 2 * MIN)


def test_answer_validation(world, quiz):
    entry, _ = svc.start_entry(quiz, commune=world["c1"], user=world["citizen"], now=OPENS + MIN)
    q1 = entry.question_ids[0]
    outside = next(pk for pk in quiz.questions.values_list("pk", flat=True) if pk not in entry.question_ids)
    foreign_choice = Choice.objects.filter(question_id=outside).first().pk
    for qid, ids in ((outside, [foreign_choice]), (q1, []), (q1, ["x"]), (q1, [foreign_choice])):
        with pytest.raises(ValidationError):
            svc.save_answer(entry.token, qid, ids, now=OPENS + 2 * MIN)


def test_finish_expired_and_leaderboard_ties(world, quiz):
    """Scores: A 4 (300 s), B 4 (300 s, submitted later), C 4 (200 s), D 3, E (never submitted) 2."""
    def play(phone, commune, start, seconds, n_right, submit=True):
        entry, _ = svc.start_entry(quiz, commune=world[commune], phone=phone, full_name=f"Người {phone[-2:]}",
                                   now=start)
        right = correct_answers(entry)
        for i, qid in enumerate(entry.question_ids):
            ids = right[qid] if i < n_right else wrong_answer(entry, qid)
            svc.save_answer(entry.token, qid, ids, now=start + MIN)
        if submit:
            svc.submit(entry.token, now=start + datetime.timedelta(seconds=seconds))
        return entry

    a = play("0900000001", "c1", OPENS + MIN, 300, 4)
    b = play("0900000002", "c2", OPENS + 2 * MIN, 300, 4)
    c = play("0900000003", "c1", OPENS + 60 * MIN, 200, 4)
    d = play("0900000004", "c2", OPENS + 3 * MIN, 100, 3)
    e = play("0900000005", "c1", OPENS + 4 * MIN, 0, 2, submit=False)
    assert list(queries.leaderboard(quiz)) == [c, a, b, d]
    assert svc.finish_expired(now=OPENS + 4 * MIN + 10 * MIN + datetime.timedelta(seconds=1)) == 1
    e.refresh_from_db()
    assert (e.correct_count, e.time_taken_seconds) == (2, 600)
    assert list(queries.leaderboard(quiz)) == [c, a, b, d, e]
    assert list(queries.leaderboard(quiz, world["c1"])) == [c, a, e]
    part = queries.quiz_participation(world["province"], queries.Period.month(2025, 10))
    assert part == {"quizzes": 1, "entries": 5, "submitted": 5, "by_commune": {"16000": 3, "16001": 2}}
    assert queries.quiz_participation(world["c2"], queries.Period.month(2025, 10))["entries"] == 2
    assert queries.quiz_participation(world["province"], queries.Period.month(2025, 9))["entries"] == 0


def test_phone_code_flow_and_rate_limits(world, monkeypatch):
    monkeypatch.setattr(svc, "_new_code", lambda: "123456")
    now = OPENS
    svc.request_phone_code("0987 654 321", ip="10.0.0.1", now=now)
    assert Notification.objects.filter(event=svc.CODE_EVENT).count() == 1
    assert PhoneCode.objects.get().code_hash != "123456"
    with pytest.raises(svc.RateLimited, match="đợi"):
        svc.request_phone_code("0987654321", ip="10.0.0.1", now=now + datetime.timedelta(seconds=30))
    with pytest.raises(ValidationError, match="không đúng"):
        svc.verify_phone_code("0987654321", "000000", now=now + MIN)
    assert PhoneCode.objects.get().attempts == 1  # the wrong try stayed counted
    assert svc.verify_phone_code("0987654321", "123456", now=now + MIN) == "0987654321"
    with pytest.raises(ValidationError):  # used once
        svc.verify_phone_code("0987654321", "123456", now=now + MIN)
    for i in range(1, 5):
        svc.request_phone_code("0987654321", ip="10.0.0.1", now=now + i * 2 * MIN)
    with pytest.raises(svc.RateLimited, match="quá nhiều"):
        svc.request_phone_code("0987654321", ip="10.0.0.1", now=now + 12 * MIN)
    with pytest.raises(ValidationError):
        svc.request_phone_code("12345", ip="10.0.0.1", now=now)


def test_wrong_attempts_burn_the_code(world, monkeypatch):
    monkeypatch.setattr(svc, "_new_code", lambda: "654321")
    svc.request_phone_code("0987654321", now=OPENS)
    for _ in range(svc.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            svc.verify_phone_code("0987654321", "111111", now=OPENS + MIN)
    with pytest.raises(ValidationError, match="sai quá nhiều"):
        svc.verify_phone_code("0987654321", "654321", now=OPENS + MIN)


def test_expired_code(world, monkeypatch):
    monkeypatch.setattr(svc, "_new_code", lambda: "654321")
    svc.request_phone_code("0987654321", now=OPENS)
    with pytest.raises(ValidationError, match="hết hạn"):
        svc.verify_phone_code("0987654321", "654321", now=OPENS + svc.CODE_TTL + MIN)


# --- concurrency (PostgreSQL) -------------------------------------------------------------------


def _in_threads(fn, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_start_and_double_submission():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and unique races across threads need PostgreSQL")
    w = make_world()
    quiz = make_quiz(w)
    now = OPENS + MIN
    results, errors = _in_threads(
        lambda: svc.start_entry(quiz, commune=w["c1"], phone="0987654321", full_name="Trần Văn C", now=now), n=4)
    assert not errors and len({e.pk for e, _ in results}) == 1 and sum(c for _, c in results) == 1
    assert Entry.objects.filter(quiz=quiz).count() == 1
    entry = results[0][0]
    right = correct_answers(entry)
    results, errors = _in_threads(lambda: svc.submit(entry.token, right, now=now + MIN), n=2)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], svc.AlreadySubmitted)
    entry.refresh_from_db()
    assert entry.correct_count == 4 and entry.submitted_at == now + MIN
