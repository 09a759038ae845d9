from django import forms

from chinhquyenso.core.widgets import LongSelect


class F(forms.Form):
    p = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=LongSelect,
                               choices=[("", "Tất cả"), (7, "Đăng ký <khai sinh> & kết hôn"), (8, "Chứng thực")])


def test_renders_like_a_select_escaped_and_keeps_the_choice():
    html = str(F({"p": "8"})["p"])
    assert html.startswith('<select') and 'name="p"' in html and 'id="id_p"' in html
    assert '<option value="7">Đăng ký &lt;khai sinh&gt; &amp; kết hôn</option>' in html
    assert '<option value="8" selected>Chứng thực</option>' in html
    assert '<option value="" selected>' not in html
    assert '<option value="" selected>Tất cả</option>' in str(F()["p"])
    form = F({"p": "8"})
    assert form.is_valid() and form.cleaned_data["p"] == 8
