from django.urls import path

from . import views

app_name = "sectordata"
urlpatterns = [
    path("", views.index, name="index"),
    path("nhat-ky/", views.history, name="history"),
    path("nhat-ky/<int:batch_id>/", views.batch_detail, name="batch"),
    path("<slug:code>/", views.series_detail, name="series"),
    path("<slug:code>/nap/", views.upload, name="upload"),
    path("<slug:code>/mau.csv", views.template_csv, name="template"),
]
