"""Forms of the Q&A pages. They only shape input; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.procedures.models import Procedure
from chinhquyenso.units.models import AdministrativeUnit, Level

from .models import Classification, RefusalReason, Topic


class ProcedureChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.current_version.name if obj.current_version_id else obj.code


class AskForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Chủ đề"), queryset=Topic.objects.none(), empty_label=_("— Chọn chủ đề —"))
    procedure = ProcedureChoice(label=_("Thủ tục hành chính liên quan (nếu có)"), queryset=Procedure.objects.none(),
                                required=False, empty_label=_("— Không chọn —"))
    unit = forms.ModelChoiceField(label=_("Xã, phường nơi bạn hỏi (nếu có)"), queryset=AdministrativeUnit.objects.none(),
                                  required=False, empty_label=_("— Không chọn —"))
    title = forms.CharField(label=_("Tiêu đề câu hỏi"), max_length=400, widget=forms.TextInput(attrs={
        "autocomplete": "off", "hx-get": "", "hx-trigger": "input changed delay:400ms", "hx-target": "#similar",
        "hx-sync": "this:replace",
    }))
    body = forms.CharField(label=_("Nội dung câu hỏi"), max_length=20000, widget=forms.Textarea(attrs={"rows": 7}))
    asker_name = forms.CharField(label=_("Họ và tên"), max_length=300, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "name"}))
    asker_phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    asker_email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False,
                                  widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    asker_address = forms.CharField(label=_("Địa chỉ (không bắt buộc)"), max_length=500, required=False)

    def __init__(self, *args, province=None, similar_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if province is not None:
            self.fields["topic"].queryset = Topic.objects.filter(province=province, is_active=True)
            self.fields["procedure"].queryset = Procedure.objects.filter(
                province=province, current_version__isnull=False
            ).select_related("current_version").order_by("current_version__name")
            self.fields["unit"].queryset = AdministrativeUnit.objects.current().filter(
                level=Level.COMMUNE, province=province
            ).order_by("name")
        self.fields["title"].widget.attrs["hx-get"] = similar_url


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm câu hỏi đã được trả lời"), max_length=200, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: dang ky khai sinh")}))
    chu_de = forms.ModelChoiceField(label=_("Chủ đề"), queryset=Topic.objects.none(), required=False,
                                    empty_label=_("Tất cả chủ đề"), to_field_name="code")

    def __init__(self, *args, province=None, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province is not None:
            self.fields["chu_de"].queryset = Topic.objects.filter(province=province, is_active=True)
        if topics is not None:
            # The same topics, already loaded (queries.public_topics): the select renders without
            # a query; the queryset still validates a chosen one.
            field = self.fields["chu_de"]
            field.choices = [("", field.empty_label), *((t.code, str(t)) for t in topics)]


class TrackForm(forms.Form):
    code = forms.RegexField(label=_("Mã câu hỏi"), regex=r"^HD-\d{2}-\d{4}-\d{6}$", max_length=32,
                            error_messages={"invalid": _("Mã câu hỏi có dạng HD-38-2026-000123.")})
    token = forms.CharField(label=_("Mã bí mật"), max_length=64)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Nội dung"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    """Every officer action posts some of these fields; services decide which are required."""

    note = forms.CharField(max_length=20000, required=False)
    reason = forms.ChoiceField(choices=[("", "—"), *RefusalReason.choices], required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.filter(is_active=True), required=False)
    assignee = forms.IntegerField(required=False, min_value=1)
    answer = forms.CharField(max_length=40000, required=False)
    classification = forms.ChoiceField(choices=[("", "—"), *Classification.choices], required=False)
    position = forms.IntegerField(required=False, min_value=0, max_value=1000)


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Nội dung sai hoặc không phù hợp ở điểm nào?"), max_length=1000)
