from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from chinhquyenso.core.text import is_digits

from .models import User
from .validators import normalize_phone


def find_user(identifier: str) -> User | None:
    """The account an identifier names: its username, e-mail address or mobile number."""
    ident = (identifier or "").strip()
    if not ident:
        return None
    query = Q(username=ident.lower()) | Q(email__iexact=ident)
    phone = normalize_phone(ident)
    if is_digits(phone):
        query |= Q(phone=phone)
    return User.objects.filter(query).first()


class PhoneOrEmailBackend(ModelBackend):
    """Sign in with the username, the e-mail address or the mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle on usernames
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
