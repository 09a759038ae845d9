from django import forms
from django.utils.translation import gettext_lazy as _

from . import queries

FORMATS = [("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")]


class RegisterForm(forms.Form):
    """Kết xuất Sổ theo dõi hồ sơ (BM.06) theo cơ quan, lĩnh vực và khoảng ngày tiếp nhận."""

    agency = forms.ModelChoiceField(label=_("Cơ quan tiếp nhận"), queryset=None)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=None)
    start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Định dạng"), choices=FORMATS, initial="pdf")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = queries.register_agencies(user)
        self.fields["field"].queryset = queries.register_fields()
        self.fields["field"].label_from_instance = lambda f: f"{f.sector.name} — {f.name}"

    def clean(self):
        data = super().clean()
        message = queries.validate_range(data.get("start"), data.get("end")) if not self.errors else ""
        if message:
            raise forms.ValidationError(message)
        return data
