from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgencyKind


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Tên cơ quan"), required=False, max_length=100)
    loai = forms.ChoiceField(label=_("Loại cơ quan"), required=False, choices=[("", _("Tất cả"))] + list(AgencyKind.choices))
    tinh = forms.RegexField(
        label=_("Mã tỉnh"), required=False, regex=r"^\d{2}$",
        error_messages={"invalid": _("Mã tỉnh gồm 2 chữ số, ví dụ 38.")},
    )
