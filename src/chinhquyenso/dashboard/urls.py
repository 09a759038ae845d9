from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.ioc, name="ioc"),
    path("chi-so/<str:code>/", views.indicator, name="indicator"),
    path("xuat/excel/", views.export_xlsx, name="export_xlsx"),
    path("xuat/pdf/", views.export_pdf, name="export_pdf"),
    path("thong-ke/", views.public_statistics, name="public"),
]
