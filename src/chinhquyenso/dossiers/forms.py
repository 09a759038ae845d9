"""HTML forms of the citizen portal and the officers' workspace. They only shape input; every rule
is the services' (which raise Vietnamese errors the views show)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyenso.core.widgets import LongSelect
from chinhquyenso.procedures.models import ProcedureVersion

from .models import ApplicantKind, Rating, ResultDelivery
from .workflow import Channel

APPLICANT_KEYS = ("kind", "name", "id_number", "birth_date", "address", "phone", "email", "representative_name",
                  "representative_id_number", "representative_phone", "representative_relation", "subject",
                  "sets_count")


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Người nộp là"), choices=ApplicantKind.choices, widget=forms.RadioSelect,
                             initial=ApplicantKind.PERSON)
    name = forms.CharField(label=_("Họ và tên (hoặc tên tổ chức)"), max_length=255)
    id_number = forms.CharField(label=_("Số định danh cá nhân / mã số doanh nghiệp"), max_length=32, required=False,
                                help_text=_("12 chữ số trên thẻ căn cước; tổ chức ghi mã số doanh nghiệp."))
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20,
                            help_text=_("Dùng để tra cứu hồ sơ và nhận thông báo."),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    representative_name = forms.CharField(label=_("Người được ủy quyền (nếu có)"), max_length=255, required=False)
    representative_id_number = forms.CharField(label=_("Số định danh người được ủy quyền"), max_length=32,
                                               required=False)
    representative_phone = forms.CharField(label=_("Điện thoại người được ủy quyền"), max_length=20, required=False)
    representative_relation = forms.CharField(label=_("Giấy ủy quyền / quan hệ"), max_length=255, required=False)
    subject = forms.CharField(label=_("Nội dung yêu cầu giải quyết"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    sets_count = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=99, initial=1)

    def applicant(self) -> dict:
        data = {key: self.cleaned_data.get(key) for key in APPLICANT_KEYS}
        data["birth_date"] = data["birth_date"] or None
        return {k: ("" if v is None and k != "birth_date" else v) for k, v in data.items()}


class DeliveryForm(forms.Form):
    result_delivery = forms.ChoiceField(label=_("Nhận kết quả"), choices=ResultDelivery.choices,
                                        widget=forms.RadioSelect)
    delivery_address = forms.CharField(label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("result_delivery") == ResultDelivery.POSTAL and not data.get("delivery_address"):
            self.add_error("delivery_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."))
        return data


class CommuneChoiceForm(forms.Form):
    agency = forms.ChoiceField(label=_("Nơi giải quyết (xã, phường, đặc khu)"))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("— Chọn —"))] + [(str(a.pk), a.name) for a in agencies]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Chọn tệp (PDF, JPG hoặc PNG)"))


class LookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    dien_thoai = forms.CharField(label=_("Số điện thoại đã khai khi nộp"), max_length=20,
                                 widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Bạn có hài lòng với việc giải quyết hồ sơ?"), choices=Rating.choices,
                                    coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hồ sơ hoặc tên người nộp"), required=False, max_length=100)
    thu_tuc = forms.TypedChoiceField(label=_("Thủ tục"), required=False, coerce=int, empty_value=None,
                                     widget=LongSelect)
    status = forms.TypedChoiceField(label=_("Trạng thái"), required=False, coerce=int, empty_value=None)
    channel = forms.TypedChoiceField(label=_("Kênh"), required=False, coerce=int, empty_value=None,
                                     choices=[("", _("Tất cả"))] + list(Channel.choices))
    tu_ngay = forms.DateField(label=_("Tiếp nhận từ ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    den_ngay = forms.DateField(label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    han = forms.ChoiceField(label=_("Thời hạn"), required=False, choices=[
        ("", _("Tất cả")), ("qua-han", _("Quá hạn")), ("sap-den-han", _("Sắp đến hạn"))])

    def __init__(self, *args, statuses=(), procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả"))] + [(s.value, s.label) for s in statuses]
        self.fields["thu_tuc"].choices = [("", _("Tất cả"))] + [(pk, name[:90]) for pk, name in procedures]


class CounterProcedureForm(forms.Form):
    version = forms.ModelChoiceField(label=_("Thủ tục"), queryset=ProcedureVersion.objects.none(),
                                     empty_label=_("— Chọn thủ tục —"))

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if versions is not None:
            self.fields["version"].queryset = versions


class CounterDeliveryForm(DeliveryForm):
    channel = forms.TypedChoiceField(label=_("Kênh tiếp nhận"), coerce=int, initial=Channel.IN_PERSON,
                                     choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label),
                                              (Channel.POSTAL, Channel.POSTAL.label)])
