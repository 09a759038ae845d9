from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("lam-viec/", views.workspace, name="workspace"),
    path("ho-tro-tiep-can/", views.accessibility, name="accessibility"),
]
