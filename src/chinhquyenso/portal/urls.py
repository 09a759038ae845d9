from django.urls import path

from . import views, views_personal_data

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("lam-viec/", views.workspace, name="workspace"),
    path("ho-tro-tiep-can/", views.accessibility, name="accessibility"),
    path("du-lieu-ca-nhan/", views_personal_data.page, name="personal_data"),
    path("du-lieu-ca-nhan/tai-ve/", views_personal_data.download, name="personal_data_download"),
]
