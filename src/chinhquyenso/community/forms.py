from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ACTIVITY_FIELDS, MemberRole, TaskStatus, VillageKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VillageImportForm(forms.Form):
    tep = forms.FileField(
        label=_("Tệp danh sách thôn, tổ dân phố (.csv UTF-8 hoặc .xlsx)"), max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp rỗng.")},
    )


class TeamForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), max_length=50,
                                      help_text=_("Quyết định của Chủ tịch UBND xã, ví dụ 125/QĐ-UBND"))
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DATE)
    name = forms.CharField(label=_("Tên tổ (để trống: tự đặt theo tên thôn)"), max_length=200, required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=MemberRole.choices)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    joined_on = forms.DateField(label=_("Ngày tham gia"), widget=DATE, required=False)


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("Ngày hoạt động"), widget=DATE)
    notes = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ACTIVITY_FIELDS:
            self.fields[key] = forms.IntegerField(label=label, min_value=0, max_value=100_000, required=False,
                                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("Ngày giải thể"), widget=DATE)
    note = forms.CharField(label=_("Lý do, số quyết định"), max_length=500, required=False)


class TaskReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Nội dung báo cáo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_number = forms.CharField(label=_("Số văn bản minh chứng"), max_length=50, required=False)
    evidence_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE, required=False)
    evidence_file = forms.FileField(label=_("Tệp minh chứng"), required=False)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class StartForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    commune = forms.ChoiceField(label=_("Xã, phường nơi sinh sống hoặc công tác"))
    code = forms.CharField(label=_("Mã xác thực (6 chữ số)"), max_length=10, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "—")] + [(c.code, c.full_name) for c in communes]


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn, tổ dân phố"), max_length=120)
    kind = forms.ChoiceField(label=_("Loại"), choices=[("", _("Tự nhận theo tên"))] + list(VillageKind.choices),
                             required=False)


class PlanForm(forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan ban hành (UBND)"))
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    decision_number = forms.CharField(label=_("Số văn bản"), max_length=50, required=False)
    decision_date = forms.DateField(label=_("Ngày ban hành"), widget=DATE, required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500)
    owner_agency = forms.ChoiceField(label=_("Cơ quan chủ trì"))
    owner_person = forms.CharField(label=_("Người phụ trách"), max_length=150, required=False)
    deadline = forms.DateField(label=_("Thời hạn"), widget=DATE)
    description = forms.CharField(label=_("Mô tả"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].choices = [(a.pk, a.name) for a in agencies]


class QuestionForm(forms.Form):
    topic = forms.CharField(label=_("Chủ đề"), max_length=100)
    text = forms.CharField(label=_("Câu hỏi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Phương án (mỗi dòng một phương án; đánh dấu * ở đầu dòng các phương án đúng)"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}))
    explanation = forms.CharField(label=_("Giải thích đáp án"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def parsed_choices(self) -> list[tuple[str, bool]]:
        out = []
        for line in self.cleaned_data["choices"].splitlines():
            line = line.strip()
            if line:
                out.append((line.lstrip("*").strip(), line.startswith("*")))
        return out


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class QuizForm(forms.Form):
    agency = forms.ChoiceField(label=_("Đơn vị tổ chức"))
    title = forms.CharField(label=_("Tên cuộc thi"), max_length=255)
    description = forms.CharField(label=_("Thể lệ"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    opens_at = forms.DateTimeField(label=_("Mở lúc"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("Đóng lúc"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    duration_minutes = forms.IntegerField(label=_("Thời gian làm bài (phút)"), min_value=1, max_value=240)
    question_count = forms.IntegerField(label=_("Số câu mỗi lượt"), min_value=1, max_value=100)
    topics = forms.MultipleChoiceField(label=_("Chủ đề câu hỏi (để trống: tất cả)"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agencies=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["topics"].choices = [(t, t) for t in topics]
