from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ACTIVITY_FIELDS, MemberRole, TaskStatus

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
