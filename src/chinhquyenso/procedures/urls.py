from django.urls import path

from . import staff_views, views

app_name = "procedures"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("quan-tri/", staff_views.staff_list, name="staff_list"),
    path("quan-tri/them/", staff_views.staff_create, name="staff_create"),
    path("quan-tri/nhap/", staff_views.staff_import, name="staff_import"),
    path("quan-tri/xuat/", staff_views.staff_export, name="staff_export"),
    path("quan-tri/<int:pk>/", staff_views.staff_procedure, name="staff_procedure"),
    path("quan-tri/<int:pk>/phien-ban-moi/", staff_views.staff_new_version, name="staff_new_version"),
    path("quan-tri/phien-ban/<int:pk>/", staff_views.staff_edit, name="staff_edit"),
    path("quan-tri/phien-ban/<int:pk>/cong-bo/", staff_views.staff_publish, name="staff_publish"),
    path("<str:code>/", views.detail, name="detail"),
]
