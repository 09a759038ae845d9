from django import forms

from .models import AgencyKind


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label="Tên cơ quan", required=False, max_length=100)
    loai = forms.ChoiceField(label="Loại cơ quan", required=False, choices=[("", "Tất cả")] + list(AgencyKind.choices))
    tinh = forms.RegexField(
        label="Mã tỉnh", required=False, regex=r"^\d{2}$",
        error_messages={"invalid": "Mã tỉnh gồm 2 chữ số, ví dụ 38."},
    )
