from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: the process answers and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def page_not_found(request, exception):
    """handler404: the JSON API keeps answering JSON when no route matches (a path parameter that
    fails its converter, such as /api/v1/dossiers/abc), not the HTML page meant for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Không tìm thấy."}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
