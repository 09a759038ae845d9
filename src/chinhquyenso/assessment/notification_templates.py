"""Default Vietnamese notification templates of the assessment (seeded by migration 0002; a
province's edits in the admin survive re-seeding). Context: unit_name, year, set_name, comment,
points, score_index, detail_path, recipient_name, site_name, site_url."""

LINK = "Xem: {{ site_url }}{{ detail_path }}"

_EVENTS = {
    "assessment.submitted": ("{{ unit_name }} gửi bản tự đánh giá chuyển đổi số năm {{ year }}",
                             "{{ unit_name }} đã gửi bản tự đánh giá năm {{ year }} theo {{ set_name }} "
                             "(tự chấm {{ points }} điểm) và chờ thẩm định."),
    "assessment.returned": ("Bản tự đánh giá chuyển đổi số năm {{ year }} được trả lại để bổ sung",
                            "Bản tự đánh giá năm {{ year }} của {{ unit_name }} được trả lại. "
                            "Ý kiến thẩm định: {{ comment }}"),
    "assessment.published": ("Đã công bố kết quả đánh giá chuyển đổi số năm {{ year }}",
                             "Kết quả đánh giá chuyển đổi số năm {{ year }} của {{ unit_name }} đã được công bố: "
                             "{{ points }} điểm, chỉ số {{ score_index }}."),
}


def rows() -> list[dict]:
    return [{"event": event, "channel": "email", "subject": subject,
             "body": "Xin chào {{ recipient_name }},\n\n" + body + "\n\n" + LINK}
            for event, (subject, body) in _EVENTS.items()]
