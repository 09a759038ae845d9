from django.http import HttpResponseBadRequest, JsonResponse

from .context import Actor, client_ip, reset_actor, set_actor


class RequestContextMiddleware:
    """Makes the acting user and client address available to the service layer (audit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        via = "api" if request.path.startswith("/api/") else "admin" if request.path.startswith("/admin/") else "web"
        token = set_actor(
            Actor(
                user_id=user.pk if signed_in else None,
                name=str(user)[:255] if signed_in else "",
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
                via=via,
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor chose otherwise with the language switch (its cookie).

    Django's LocaleMiddleware follows Accept-Language, which would serve English to every
    citizen whose phone's interface is in English; a Vietnamese public service answers in
    Vietnamese first (Luật Tổ chức chính quyền địa phương; the portal's audience)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class RejectNulMiddleware:
    """A NUL character in the path or the query string is never meaningful, and PostgreSQL refuses
    it in text values (DataError → 500 deep in a view). Refuse it up front with a 400, for every
    page and endpoint at once; the JSON API answers in JSON, like its other errors."""

    MESSAGE = "Yêu cầu chứa ký tự không hợp lệ."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE.encode(), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
