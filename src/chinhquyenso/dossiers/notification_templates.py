"""Default Vietnamese notification templates of the dossiers app (seeded by migration 0003;
a province's edits in the admin survive re-seeding). Context: code, procedure_name, status_label,
due_at, reason, lookup_path, agency_name, recipient_name, site_name, site_url."""

LOOKUP = "Tra cứu: {{ site_url }}{{ lookup_path }}"

_APPLICANT = {
    "dossier.submitted": ("Đã nhận hồ sơ trực tuyến {{ code }}",
                          "Hồ sơ {{ code }} ({{ procedure_name }}) đã được nộp và đang chờ tiếp nhận."),
    "dossier.received": ("Hồ sơ {{ code }} đã được tiếp nhận",
                         "Hồ sơ {{ code }} ({{ procedure_name }}) đã được tiếp nhận. Hẹn trả kết quả: {{ due_at }}."),
    "dossier.refused": ("Hồ sơ {{ code }} không được tiếp nhận",
                        "Hồ sơ {{ code }} ({{ procedure_name }}) không được tiếp nhận. Lý do: {{ reason }}."),
    "dossier.supplement_requested": ("Yêu cầu bổ sung hồ sơ {{ code }}",
                                     "Hồ sơ {{ code }} cần bổ sung, hoàn thiện. Lý do: {{ reason }}. "
                                     "Vui lòng bổ sung trong 15 ngày làm việc."),
    "dossier.financial_requested": ("Thực hiện nghĩa vụ tài chính cho hồ sơ {{ code }}",
                                    "Hồ sơ {{ code }} cần thực hiện nghĩa vụ tài chính trước khi tiếp tục giải quyết."),
    "dossier.finished": ("Hồ sơ {{ code }} đã có kết quả",
                         "Hồ sơ {{ code }} ({{ procedure_name }}) đã giải quyết xong; kết quả sẵn sàng để trả."),
    "dossier.returned": ("Đã trả kết quả hồ sơ {{ code }}",
                         "Kết quả hồ sơ {{ code }} đã được trả. Mời Ông/Bà đánh giá mức độ hài lòng."),
    "dossier.withdrawn": ("Hồ sơ {{ code }} đã được rút",
                          "Hồ sơ {{ code }} đã được rút theo yêu cầu. Lý do: {{ reason }}."),
    "dossier.stopped": ("Hồ sơ {{ code }} bị dừng xử lý",
                        "Hồ sơ {{ code }} bị dừng xử lý. Lý do: {{ reason }}."),
    "dossier.extended": ("Xin lỗi và gia hạn hồ sơ {{ code }}",
                         "Cơ quan giải quyết xin lỗi vì chậm trả kết quả hồ sơ {{ code }}. Lý do: {{ reason }}. "
                         "Ngày hẹn trả mới: {{ due_at }}."),
}
_OFFICER = {
    "dossier.due_soon": ("Hồ sơ {{ code }} sắp đến hạn",
                         "Hồ sơ {{ code }} ({{ procedure_name }}) đang ở {{ agency_name }} sẽ đến hạn lúc {{ due_at }}."),
    "dossier.overdue": ("Hồ sơ {{ code }} đã quá hạn",
                        "Hồ sơ {{ code }} ({{ procedure_name }}) đang ở {{ agency_name }} đã quá hạn từ {{ due_at }}. "
                        "Cần lập Phiếu xin lỗi và gia hạn (BM.04) trước khi kết thúc xử lý."),
}


def rows() -> list[dict]:
    result = []
    for event, (subject, body) in _APPLICANT.items():
        result.append({"event": event, "channel": "email", "subject": subject,
                       "body": "Xin chào {{ recipient_name }},\n\n" + body + "\n\n" + LOOKUP})
        result.append({"event": event, "channel": "sms", "body": "{{ site_name }}: " + body})
    for event, (subject, body) in _OFFICER.items():
        result.append({"event": event, "channel": "email", "subject": subject,
                       "body": "Xin chào {{ recipient_name }},\n\n" + body})
    return result
