from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from .api import api
from .core import views as core_views
from .feedback.open311 import views as open311_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("chinhquyenso.core.urls")),
    path("", include("chinhquyenso.portal.urls")),
    path("tai-khoan/", include("chinhquyenso.accounts.urls")),
    path("don-vi-hanh-chinh/", include("chinhquyenso.units.urls")),
    path("co-quan/", include("chinhquyenso.agencies.urls")),
    path("lich-lam-viec/", include("chinhquyenso.workdays.urls")),
    path("nhat-ky/", include("chinhquyenso.audit.urls")),
    path("thong-bao/", include("chinhquyenso.notifications.urls")),
    path("chu-ky-so/", include("chinhquyenso.signatures.urls")),
    path("thu-tuc/", include("chinhquyenso.procedures.urls")),
    path("ho-so/", include("chinhquyenso.dossiers.urls")),
    path("phan-anh/", include("chinhquyenso.feedback.urls")),
    path("open311/v2/", include("chinhquyenso.feedback.open311.urls")),
    path("hoi-dap/", include("chinhquyenso.questions.urls")),
    path("van-ban/", include("chinhquyenso.documents.urls")),
    path("lien-thong/", include("chinhquyenso.exchange.urls")),
    path("du-lieu-nganh/", include("chinhquyenso.sectordata.urls")),
    path("cong-dong-so/", include("chinhquyenso.community.urls")),
    path("ioc/", include("chinhquyenso.dashboard.urls")),
    path("danh-gia-cds/", include("chinhquyenso.assessment.urls")),
]



def handler404(request, exception):
    """The JSON API and Open311 answer in their own formats when no route matches."""
    if request.path.startswith("/open311/"):
        return open311_views.not_found(request, exception)
    return core_views.page_not_found(request, exception)


if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

admin.site.site_header = "Quản trị Chính quyền số"
admin.site.site_title = "Chính quyền số"
