"""Notification templates of field reports (seeded by migration 0002; admins may edit them)."""

def _pair(event: str, subject: str, body: str, sms: str) -> list[dict]:
    return [
        {"event": event, "channel": "email", "subject": subject, "body": body},
        {"event": event, "channel": "sms", "body": sms},
    ]


FEEDBACK_TEMPLATES: list[dict] = [
    *_pair(
        "feedback.received", "Đã nhận phản ánh {{ number }}",
        "Xin chào {{ recipient_name }},\n\nPhản ánh {{ number }} ({{ category }}) đã được gửi đến Trung tâm "
        "điều hành. Hạn tiếp nhận: {{ ack_due }}.\nTheo dõi và đánh giá kết quả tại: {{ track_url }}\n"
        "(Liên kết này là riêng của bạn, không chia sẻ.)",
        "{{ site_name }}: Da nhan phan anh {{ number }}. Theo doi: {{ track_url }}",
    ),
    *_pair(
        "feedback.new", "Phản ánh mới {{ number }}",
        "Có phản ánh mới {{ number }} ({{ category }}). Hạn tiếp nhận: {{ ack_due }}.\n{{ staff_url }}",
        "{{ site_name }}: Phan anh moi {{ number }}, han tiep nhan {{ ack_due }}.",
    ),
    *_pair(
        "feedback.assigned", "Được giao xử lý phản ánh {{ number }}",
        "Cơ quan {{ agency }} được giao xử lý phản ánh {{ number }} ({{ category }}).\nHạn xử lý: {{ due }}.\n"
        "{{ staff_url }}",
        "{{ site_name }}: Giao xu ly phan anh {{ number }}, han {{ due }}.",
    ),
    *_pair(
        "feedback.reopened", "Phản ánh {{ number }} được phản ánh lại",
        "Người phản ánh chưa hài lòng với kết quả phản ánh {{ number }}. Hạn xử lý lại: {{ due }}.\n{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} bi phan anh lai, han {{ due }}.",
    ),
    *_pair(
        "feedback.returned", "Phản ánh {{ number }} được chuyển lại IOC",
        "Cơ quan xử lý đã chuyển lại phản ánh {{ number }} (không đúng thẩm quyền). Vui lòng giao lại.\n"
        "{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} duoc chuyen lai IOC.",
    ),
    *_pair(
        "feedback.result_submitted", "Kết quả xử lý phản ánh {{ number }} chờ duyệt",
        "Cơ quan {{ agency }} đã báo cáo kết quả phản ánh {{ number }}. Hạn công khai: {{ publish_due }}.\n"
        "{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} co ket qua cho duyet.",
    ),
    *_pair(
        "feedback.resolved", "Phản ánh {{ number }} đã có kết quả",
        "Xin chào {{ recipient_name }},\n\nPhản ánh {{ number }} đã có kết quả xử lý. Xem và đánh giá mức "
        "độ hài lòng tại: {{ track_url }}",
        "{{ site_name }}: Phan anh {{ number }} da co ket qua. Danh gia tai {{ track_url }}",
    ),
    *_pair(
        "feedback.refused", "Phản ánh {{ number }} không được tiếp nhận",
        "Xin chào {{ recipient_name }},\n\nPhản ánh {{ number }} không được tiếp nhận. Xem lý do tại: "
        "{{ track_url }}",
        "{{ site_name }}: Phan anh {{ number }} khong duoc tiep nhan. Chi tiet: {{ track_url }}",
    ),
    *_pair(
        "feedback.ack_due_soon", "Sắp hết hạn tiếp nhận phản ánh {{ number }}",
        "Phản ánh {{ number }} cần được tiếp nhận trước {{ ack_due }}.\n{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} sap het han tiep nhan ({{ ack_due }}).",
    ),
    *_pair(
        "feedback.ack_overdue", "Quá hạn tiếp nhận phản ánh {{ number }}",
        "Phản ánh {{ number }} đã quá hạn tiếp nhận ({{ ack_due }}).\n{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} qua han tiep nhan.",
    ),
    *_pair(
        "feedback.due_soon", "Sắp hết hạn xử lý phản ánh {{ number }}",
        "Phản ánh {{ number }} cần có kết quả trước {{ due }}.\n{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} sap het han xu ly ({{ due }}).",
    ),
    *_pair(
        "feedback.overdue", "Quá hạn xử lý phản ánh {{ number }}",
        "Phản ánh {{ number }} giao cho {{ agency }} đã quá hạn xử lý ({{ due }}).\n{{ staff_url }}",
        "{{ site_name }}: Phan anh {{ number }} qua han xu ly ({{ due }}).",
    ),
    *_pair(
        "feedback.publish_overdue", "Quá hạn công khai kết quả phản ánh {{ number }}",
        "Kết quả phản ánh {{ number }} chưa được duyệt công khai (hạn {{ publish_due }}).\n{{ staff_url }}",
        "{{ site_name }}: Ket qua phan anh {{ number }} qua han cong khai.",
    ),
]
