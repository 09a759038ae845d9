"""Forms of the assessment pages. The indicator table is one form with a row of fields per
indicator (names `<field>-<score id>`), read here into the entries the services take; the
services validate the values and name the indicator in every message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Method, SourceKind

VALUE_FIELDS = {Method.RATIO: ("a", "b"), Method.THRESHOLD: ("a", "b"), Method.STEPS: ("number",),
                Method.YES_NO: ("flag",), Method.CHOICE: ("choice",)}


def unit_entries(post, files, scores) -> dict:
    entries = {}
    for s in scores:
        pk = s.pk
        if f"row-{pk}" not in post:
            continue
        entry: dict = {"evidence": {"number": post.get(f"number-{pk}", ""), "date": post.get(f"date-{pk}", ""),
                                    "summary": post.get(f"summary-{pk}", ""), "note": post.get(f"note-{pk}", "")}}
        if s.indicator.source_kind == SourceKind.SELF:
            entry["values"] = {name: post.get(f"{name}-{pk}", "") for name in VALUE_FIELDS[s.indicator.method]}
        if files.get(f"file-{pk}"):
            entry["file"] = files[f"file-{pk}"]
        entries[pk] = entry
    return entries


def review_entries(post, scores) -> dict:
    entries = {}
    for s in scores:
        points = post.get(f"points-{s.pk}", "").strip()
        comment = post.get(f"comment-{s.pk}", "")
        if points == "" and not comment.strip():
            continue
        if points == "" and s.review_points is not None:
            points = s.review_points
        if (str(points), comment) == (str(s.review_points), s.review_comment):
            continue
        entries[s.pk] = (points, comment)
    return entries


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến gửi đơn vị"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class StartForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ tiêu chí (JSON hoặc Excel .xlsx)"))
    publish = forms.BooleanField(label=_("Ban hành ngay sau khi nhập"), required=False)
