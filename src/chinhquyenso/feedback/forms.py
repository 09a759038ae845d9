from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Urgency
from .workflow import RefusalReason


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [d for d in data if d]
        return [data] if data else []


class ReportForm(forms.Form):
    """Field checks that need no database; the rest (category scope, location, photos, limits) is
    in services.submit_report so the web, the JSON API and Open311 refuse the same things."""

    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("Lĩnh vực"), required=False,
                                      empty_label=_("— Chọn lĩnh vực —"))
    description = forms.CharField(label=_("Nội dung phản ánh"), widget=forms.Textarea(attrs={"rows": 5}),
                                  max_length=4000, required=False)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Địa chỉ (nếu không chọn được trên bản đồ)"), max_length=255, required=False)
    photos = MultipleFileField(label=_("Ảnh (tối đa 5 ảnh, mỗi ảnh ≤ 8 MB)"), required=False)
    name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú / lý do"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           max_length=4000)
    reason = forms.ChoiceField(label=_("Lý do từ chối"), choices=[("", "—"), *RefusalReason.CHOICES], required=False)
    agency = forms.IntegerField(label=_("Cơ quan xử lý"), required=False)
    urgency = forms.ChoiceField(label=_("Mức độ"), choices=[("", "—"), *Urgency.choices], required=False)
    result = forms.CharField(label=_("Kết quả xử lý"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             max_length=4000)
    target = forms.CharField(label=_("Gộp vào phản ánh số"), max_length=32, required=False)


class RatingForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Bạn có hài lòng với kết quả xử lý?"), coerce=lambda v: v == "1",
        choices=[("1", _("Hài lòng")), ("0", _("Không hài lòng"))], widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Ý kiến thêm"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=1000)
