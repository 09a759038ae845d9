"""Notification templates of the Q&A app, seeded by migration 0003 (notifications.seeding).
A province may edit them in the admin; re-seeding leaves edited rows alone."""

from typing import Any


def _pair(event: str, subject: str, body: str, sms: str) -> list[dict[str, Any]]:
    return [
        {"event": event, "channel": "email", "subject": subject, "body": body},
        {"event": event, "channel": "sms", "body": sms},
        {"event": event, "channel": "zalo", "body": sms, "provider_params": {"ma": "{{ code }}"}},
    ]


TEMPLATES: list[dict[str, Any]] = [
    *_pair(
        "question.received",
        "Đã tiếp nhận câu hỏi {{ code }}",
        "Xin chào {{ recipient_name }},\n\nCâu hỏi “{{ title }}” của bạn đã được tiếp nhận với mã {{ code }}.\n"
        "Hạn trả lời: {{ answer_due }}.\nTheo dõi tại: {{ url }}",
        "{{ site_name }}: Đã tiếp nhận câu hỏi {{ code }}. Hạn trả lời {{ answer_due }}.",
    ),
    *_pair(
        "question.info_requested",
        "Câu hỏi {{ code }} cần bổ sung thông tin",
        "Xin chào {{ recipient_name }},\n\nCơ quan trả lời đề nghị bạn bổ sung thông tin cho câu hỏi {{ code }} "
        "“{{ title }}”. Vui lòng mở {{ url }} để xem nội dung và bổ sung.",
        "{{ site_name }}: Câu hỏi {{ code }} cần bổ sung thông tin. Xem {{ url }}",
    ),
    *_pair(
        "question.refused",
        "Câu hỏi {{ code }} không được tiếp nhận",
        "Xin chào {{ recipient_name }},\n\nCâu hỏi {{ code }} “{{ title }}” không được tiếp nhận. "
        "Lý do và hướng dẫn: {{ url }}",
        "{{ site_name }}: Câu hỏi {{ code }} không được tiếp nhận. Xem lý do tại {{ url }}",
    ),
    *_pair(
        "question.published",
        "Câu hỏi {{ code }} đã có trả lời",
        "Xin chào {{ recipient_name }},\n\nCâu hỏi “{{ title }}” ({{ code }}) đã được trả lời và công khai "
        "(không kèm thông tin cá nhân của bạn).\nXem trả lời: {{ url }}",
        "{{ site_name }}: Câu hỏi {{ code }} đã có trả lời. Xem {{ url }}",
    ),
    *_pair(
        "question.hidden",
        "Câu hỏi {{ code }} đã bị ẩn khỏi trang công khai",
        "Xin chào {{ recipient_name }},\n\nCâu hỏi {{ code }} “{{ title }}” đã bị ẩn khỏi trang công khai.\n"
        "Lý do: {{ reason }}",
        "{{ site_name }}: Câu hỏi {{ code }} đã bị ẩn. Lý do: {{ reason }}",
    ),
    {
        "event": "question.due_soon",
        "channel": "email",
        "subject": "Sắp đến hạn: câu hỏi {{ code }}",
        "body": "Câu hỏi {{ code }} “{{ title }}” đến hạn lúc {{ due }}.\nXử lý tại: {{ url }}",
    },
    {
        "event": "question.overdue",
        "channel": "email",
        "subject": "Quá hạn: câu hỏi {{ code }}",
        "body": "Câu hỏi {{ code }} “{{ title }}” đã quá hạn (hạn {{ due }}).\nXử lý tại: {{ url }}",
    },
]
