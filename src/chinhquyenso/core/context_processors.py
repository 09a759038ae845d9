from django.conf import settings


def site(request):
    return {"SITE_NAME": "Chính quyền số", "DEBUG": settings.DEBUG}
