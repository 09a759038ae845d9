from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyenso.accounts.models import Role, User
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency

from .models import Authority, DocumentType, Secrecy, Status, Urgency


def _officials(agencies, roles):
    from django.db.models import Exists, OuterRef

    from chinhquyenso.accounts.models import RoleAssignment

    grants = RoleAssignment.objects.active().filter(user=OuterRef("pk"), role__in=roles, agency__in=agencies)
    return User.objects.filter(Exists(grants), is_active=True).order_by("full_name")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False,
                                   choices=[("", _("Tất cả"))] + list(Status.choices))
    loai = forms.ModelChoiceField(label=_("Loại văn bản"), required=False, to_field_name="code",
                                  queryset=DocumentType.objects.filter(is_active=True), empty_label=_("Tất cả"))
    do_khan = forms.ChoiceField(label=_("Độ khẩn"), required=False, choices=[("", _("Tất cả"))] + list(Urgency.choices))
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    qua_han = forms.BooleanField(label=_("Quá hạn"), required=False)


class _FileField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})


class IncomingForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan nhận (sổ văn bản đến)"), queryset=Agency.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True))
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    issuing_agency_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    subject = forms.CharField(label=_("Trích yếu nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NONE)
    is_electronic = forms.BooleanField(label=_("Văn bản điện tử"), required=False, initial=True)
    forward_to = forms.ModelChoiceField(label=_("Trình lãnh đạo"), queryset=User.objects.none(), required=False)
    file = _FileField(label=_("Tệp văn bản (PDF)"), required=False)
    attachment = _FileField(label=_("Phụ lục (PDF)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = visible_agencies(user, [Role.DOCUMENT_CLERK])
        self.fields["agency"].queryset = agencies.order_by("path")
        self.fields["forward_to"].queryset = _officials(visible_agencies(user), [Role.LEADER])


class DraftForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Agency.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True))
    drafting_unit_symbol = forms.CharField(label=_("Ký hiệu đơn vị soạn thảo (công văn)"), max_length=20, required=False)
    subject = forms.CharField(label=_("Trích yếu nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False)
    authority = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=Authority.choices, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NONE)
    internal = forms.ModelMultipleChoiceField(label=_("Nơi nhận trong hệ thống"), queryset=Agency.objects.none(),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    external = forms.CharField(
        label=_("Nơi nhận bên ngoài (mỗi dòng: tên | mã định danh)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    recipients_text = forms.CharField(label=_("Nơi nhận (ghi trên văn bản)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, max_value=1000, initial=1)
    file = _FileField(label=_("Tệp dự thảo (PDF)"))
    attachment = _FileField(label=_("Phụ lục (PDF)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = visible_agencies(user, [Role.SPECIALIST, Role.LEADER, Role.DOCUMENT_CLERK])
        self.fields["agency"].queryset = mine.order_by("path")
        provinces = mine.values("province_id")
        self.fields["internal"].queryset = Agency.objects.filter(province_id__in=provinces, is_active=True).order_by("path")

    def clean_external(self):
        rows = []
        for line in self.cleaned_data["external"].splitlines():
            if not line.strip():
                continue
            name, _sep, code = line.partition("|")
            rows.append({"name": name.strip(), "code": code.strip()})
        return rows


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=4000)
    lead_unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Agency.objects.none(), required=False)
    coordinating_units = forms.ModelMultipleChoiceField(label=_("Đơn vị phối hợp"), queryset=Agency.objects.none(),
                                                        required=False)
    handler = forms.ModelChoiceField(label=_("Người xử lý chính"), queryset=User.objects.none(), required=False)
    deadline_days = forms.IntegerField(label=_("Hạn xử lý (số ngày làm việc)"), min_value=1, max_value=365,
                                       required=False)
    forward_to = forms.ModelChoiceField(label=_("Trình/chuyển cho"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            units = Agency.objects.filter(path__startswith=document.agency.path, is_active=True).order_by("path")
            self.fields["lead_unit"].queryset = units
            self.fields["coordinating_units"].queryset = units
            self.fields["handler"].queryset = _officials(units, [Role.SPECIALIST, Role.LEADER])
            self.fields["forward_to"].queryset = _officials(units, [Role.LEADER, Role.DOCUMENT_CLERK])
