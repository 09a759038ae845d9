"""Questions built through the service layer, walked along the workflow as far as asked."""

from chinhquyenso.questions import services
from chinhquyenso.questions.models import Status

_n = iter(range(1, 10**6))

PATH = [Status.SUBMITTED, Status.ASSIGNED, Status.DRAFTED, Status.APPROVED, Status.PUBLISHED]


def ask(world, *, topic=None, title=None, body=None, user=None, now=None, phone=None, client_ip="",
        asker_name=None, **kw):
    n = next(_n)
    return services.submit(
        topic=topic or world["topic"],
        title=title or f"Câu hỏi thử nghiệm số {n} về hộ tịch",
        body=body or "Tôi muốn hỏi về thủ tục đăng ký khai sinh cho con khi cha mẹ chưa đăng ký kết hôn.",
        asker_name=asker_name if asker_name is not None else ("" if user else "Nguyễn Văn An"),
        asker_phone=phone if phone is not None else ("" if user else f"09{n % 100000000:08d}"),
        user=user, client_ip=client_ip, now=now, **kw,
    ).question


def advance(world, question, to: str, *, answer=None, now=None):
    """Move a submitted question along the happy path up to status `to`."""
    steps = {
        Status.ASSIGNED: lambda q: services.act(q, "assign", world["officer"], assignee=world["specialist"], now=now),
        Status.DRAFTED: lambda q: services.act(
            q, "draft", world["specialist"], now=now,
            answer=answer or "Theo Luật Hộ tịch 2014, việc đăng ký khai sinh thực hiện tại UBND cấp xã nơi cư trú."),
        Status.APPROVED: lambda q: services.act(q, "approve", world["leader"], now=now),
        Status.PUBLISHED: lambda q: services.act(q, "publish", world["leader"], now=now),
    }
    for status in PATH[PATH.index(question.status) + 1: PATH.index(to) + 1]:
        question = steps[status](question)
    return question


def published(world, title, body="", answer=None, **kw):
    question = ask(world, title=title, body=body or f"{title}. Xin hướng dẫn chi tiết giúp tôi.", **kw)
    return advance(world, question, Status.PUBLISHED, answer=answer)
