from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    tep = forms.FileField(
        label=_("Tệp số liệu (.csv UTF-8 hoặc .xlsx)"), max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("Hãy chọn tệp số liệu."), "empty": _("Tệp rỗng."),
                        "max_length": _("Tên tệp quá dài.")},
    )
