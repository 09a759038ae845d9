"""The project's URLs plus /__bench__/ping (bench only: the framework ceiling — the same server,
middleware and settings, a view that does nothing but return a small JSON body)."""

from django.http import JsonResponse
from django.urls import path

from chinhquyenso.urls import urlpatterns as project_urlpatterns


def ping(request):
    return JsonResponse({"ok": True, "service": "chinhquyenso", "bench": "framework-ceiling"})


urlpatterns = [path("__bench__/ping", ping), *project_urlpatterns]
