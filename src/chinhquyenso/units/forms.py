from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyenso.core.text import nfc

from . import queries


class UnitSearchForm(forms.Form):
    """The citizen's search box: a name with or without diacritics, optionally within a province."""

    q = forms.CharField(
        label=_("Tên xã, phường, đặc khu hoặc tỉnh (có dấu hoặc không dấu)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "placeholder": "dong hoa"}),
    )
    tinh = forms.ChoiceField(label=_("Tỉnh, thành phố"), required=False)
    cu = forms.BooleanField(label=_("Gồm cả tên trước ngày 01/7/2025"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinh"].choices = [("", _("Tất cả"))] + [(p.code, p.full_name) for p in queries.provinces()]

    def clean_q(self) -> str:
        q = nfc(self.cleaned_data["q"])
        if q and not queries.is_searchable(q):
            raise forms.ValidationError(_("Hãy nhập ít nhất một chữ hoặc số."))
        return q
