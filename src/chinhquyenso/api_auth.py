"""Authentication shared by every API router: an integration's bearer token or the signed-in
browser session (CSRF-checked for unsafe methods by ninja's SessionAuth). `request.auth` is the
user; what that user may see is decided by each app's scoped queries, not here."""

from ninja.security import SessionAuth


class _OfficialSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


session_auth = _OfficialSession()
official_auth = [session_auth]
