"""Forms of the account pages. They only shape input; the rules live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Số điện thoại, thư điện tử hoặc tên đăng nhập"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Số điện thoại di động"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân (không bắt buộc)"), max_length=20, required=False,
        help_text=_("12 chữ số trên thẻ căn cước."), widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False, max_length=256,
        help_text=_("Ít nhất 10 ký tự, không quá phổ biến, không toàn chữ số."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", _("Vui lòng nhập số điện thoại hoặc địa chỉ thư điện tử."))
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False, widget=forms.EmailInput)
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"), max_length=20, required=False,
        help_text=_("Chỉ khai báo được một lần; muốn sửa, liên hệ quản trị viên."),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"), strip=False, required=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            raise ValidationError(_("Hai mật khẩu mới không khớp."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực 6 chữ số"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


TOKEN_LIFETIMES = [(30, _("30 ngày")), (90, _("90 ngày")), (180, _("180 ngày")), (365, _("365 ngày"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ (hệ thống sẽ dùng khóa)"), max_length=100)
    lifetime = forms.TypedChoiceField(label=_("Thời hạn"), choices=TOKEN_LIFETIMES, coerce=int, initial=90)


def apply_errors(form: forms.Form, exc: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ValidationError on the form fields it names (others go to the top)."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field_map.get(field, field)
            for message in errors:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
