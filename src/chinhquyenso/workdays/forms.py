import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import EntryKind
from .services import EntryData

MAX_DAYS = 365


class DueForm(forms.Form):
    """Citizen form: due date = start + N working days (GET, no JavaScript)."""

    tu_ngay = forms.DateField(
        label=_("Ngày nộp hồ sơ"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Nhập ngày nộp hồ sơ."), "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )
    so_ngay = forms.IntegerField(
        label=_("Thời hạn giải quyết (ngày làm việc)"), min_value=0, max_value=MAX_DAYS,
        error_messages={
            "required": _("Nhập số ngày làm việc."), "invalid": _("Số ngày phải là số nguyên."),
            "min_value": _("Số ngày không được âm."), "max_value": _("Số ngày tối đa là %(limit_value)s."),
        },
    )
    sau_15h = forms.BooleanField(label=_("Nộp sau 15 giờ"), required=False,
                                 help_text=_("Hồ sơ nhận sau 15 giờ được tính từ ngày làm việc tiếp theo."))

    def clean_tu_ngay(self):
        value = self.cleaned_data["tu_ngay"]
        if not 1950 <= value.year <= 2199:
            raise ValidationError(_("Năm phải từ 1950 đến 2199."))
        return value


KIND_ALIASES = {
    **{k.value: k.value for k in EntryKind},
    **{k.label.lower(): k.value for k in EntryKind},
    "nghỉ lễ": EntryKind.HOLIDAY, "lễ": EntryKind.HOLIDAY, "tết": EntryKind.HOLIDAY,
    "làm bù": EntryKind.SWAP_WORK, "hoán đổi": EntryKind.SWAP_OFF,
}


class ImportForm(forms.Form):
    """Paste the year's notice as a table: one line per day, "dd/mm/yyyy | loại | tên | căn cứ"."""

    rows = forms.CharField(
        label=_("Bảng ngày nghỉ, ngày làm bù"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000,
        help_text=_("Mỗi dòng: ngày (dd/mm/yyyy) | loại (nghỉ lễ, nghỉ bù, nghỉ hoán đổi, làm bù) | tên | căn cứ."),
        error_messages={"required": _("Dán bảng vào ô trên.")},
    )

    def clean_rows(self) -> list[EntryData]:
        parsed, problems = [], []
        lines = [line.strip() for line in self.cleaned_data["rows"].splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            cells = [cell.strip() for cell in line.replace("\t", "|").split("|")]
            if len(cells) != 4:
                problems.append(_("Dòng %(n)s: cần đúng 4 cột ngăn bởi dấu |.") % {"n": number})
                continue
            try:
                day = datetime.datetime.strptime(cells[0], "%d/%m/%Y").date()
            except ValueError:
                problems.append(_("Dòng %(n)s: ngày “%(v)s” không đúng dạng dd/mm/yyyy.") % {"n": number, "v": cells[0]})
                continue
            kind = KIND_ALIASES.get(cells[1].lower())
            if kind is None:
                problems.append(_("Dòng %(n)s: loại “%(v)s” không hợp lệ.") % {"n": number, "v": cells[1]})
                continue
            parsed.append(EntryData(day, kind, cells[2], cells[3]))
        if problems:
            raise ValidationError(problems)
        return parsed
