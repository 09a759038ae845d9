"""Form widgets shared by the apps."""

from django import forms
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A <select> whose options are written in Python instead of one template render per option
    (Django's Select): a province catalogue of 2,000 procedures made the officers' queue filter
    cost ~100 ms per page (bench/load). Flat choices only (no groups); same markup otherwise."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) in selected or (v == "" and not selected) else "", label)
             for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", forms.utils.flatatt(attrs), options)
