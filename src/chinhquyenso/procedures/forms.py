from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chinhquyenso.units.models import AdministrativeUnit

from .models import (
    CompetentLevel,
    ComponentSpec,
    FeeSpec,
    OnlineLevel,
    ProcedureVersion,
    ProcessStep,
    SectorField,
)
from .services import CONTENT_FIELDS

FORM_TEMPLATE_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods")
FORM_TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: dang ky khai sinh, 1.001193")}))
    cap = forms.ChoiceField(label=_("Cấp thực hiện"), required=False,
                            choices=[("", _("Tất cả"))] + list(CompetentLevel.choices))
    linh_vuc = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    truc_tuyen = forms.ChoiceField(label=_("Mức độ trực tuyến"), required=False,
                                   choices=[("", _("Tất cả"))] + list(OnlineLevel.choices))
    tinh = forms.RegexField(label=_("Mã tỉnh"), required=False, regex=r"^\d{2}$",
                            error_messages={"invalid": _("Mã tỉnh gồm 2 chữ số, ví dụ 38.")})

    def __init__(self, *args, fields_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].choices = [("", _("Tất cả"))] + list(fields_choices)


class VersionForm(forms.ModelForm):
    """The content of a draft; the view hands cleaned_data to services.update_draft."""

    class Meta:
        model = ProcedureVersion
        fields = list(CONTENT_FIELDS)
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "steps_text": forms.Textarea(attrs={"rows": 3}),
            "change_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector_field"].queryset = SectorField.objects.select_related("sector")
        if agencies is not None:
            self.fields["competent_agency"].queryset = agencies


class NewProcedureForm(VersionForm):
    code = forms.RegexField(label=_("Mã thủ tục"), regex=r"^\d+\.\d{6}(\.[A-Za-z0-9.]+)?$",
                            error_messages={"invalid": _("Mã thủ tục dạng 1.001193 hoặc kèm hậu tố địa phương.")})
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=AdministrativeUnit.objects.none())

    field_order = ["code", "province", *CONTENT_FIELDS]

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.fields["province"].queryset = provinces


class ComponentForm(forms.ModelForm):
    class Meta:
        model = ComponentSpec
        fields = ["order", "name", "originals", "copies", "required", "form_name", "form_file", "note"]
        widgets = {"note": forms.TextInput()}

    def clean_form_file(self):
        upload = self.cleaned_data.get("form_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            if not upload.name.lower().endswith(FORM_TEMPLATE_EXTENSIONS):
                raise ValidationError(_("Mẫu đơn phải là tệp PDF, Word, Excel hoặc OpenDocument."))
            if upload.size > FORM_TEMPLATE_MAX_BYTES:
                raise ValidationError(_("Tệp mẫu đơn tối đa 5 MB."))
            head = upload.read(8)
            upload.seek(0)
            if not (head.startswith(b"%PDF") or head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")):
                raise ValidationError(_("Nội dung tệp không phải PDF, Word, Excel hoặc OpenDocument."))
        return upload


class FeeForm(forms.ModelForm):
    class Meta:
        model = FeeSpec
        fields = ["order", "kind", "name", "amount", "note"]


class StepForm(forms.ModelForm):
    class Meta:
        model = ProcessStep
        fields = ["order", "kind", "name", "role", "department_name", "quarters", "agency", "agency_kind"]

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


ComponentFormSet = forms.formset_factory(ComponentForm, extra=1, can_delete=True, max_num=100)
FeeFormSet = forms.formset_factory(FeeForm, extra=1, can_delete=True, max_num=50)
StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=50)


def rows_of(formset, fields) -> list[dict]:
    """The kept rows of a formset as service arguments (blank extra rows and deleted rows dropped)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not form.has_changed() and not form.initial:
            continue
        row = {f: data.get(f) for f in fields}
        if "form_file" in row and row["form_file"] in (None, False):
            row["form_file"] = ""
        rows.append({k: ("" if v is None and k not in ("agency", "amount", "order", "quarters", "originals", "copies")
                         else v) for k, v in row.items()})
    return rows


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh mục (.json hoặc .xlsx)"))
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=AdministrativeUnit.objects.none())
    publish = forms.BooleanField(label=_("Công bố ngay các thủ tục mới hoặc thay đổi"), required=False)

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.fields["province"].queryset = provinces


class PublishForm(forms.Form):
    decision = forms.CharField(label=_("Quyết định công bố"), required=False, max_length=255)


class NewVersionForm(forms.Form):
    change_note = forms.CharField(label=_("Nội dung thay đổi"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
