from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF đã ký số"),
        help_text=_("Tối đa 20 MB. Tệp chỉ được đọc để kiểm tra, không được lưu lại."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 20 MB."))
        return upload
