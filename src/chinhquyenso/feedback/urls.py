from django.urls import path

from . import views, views_staff

app_name = "feedback"
urlpatterns = [
    path("", views.index, name="index"),
    path("ban-do.geojson", views.map_points, name="map_points"),
    path("gui/", views.submit, name="submit"),
    path("gui/gan-day/", views.nearby, name="nearby"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("theo-doi/<str:public_id>/", views.track, name="track"),
    path("anh/<int:pk>/<str:kind>/", views.photo, name="photo"),
    path("xu-ly/", views_staff.queue, name="staff_queue"),
    path("xu-ly/<str:number>/", views_staff.detail, name="staff_detail"),
    path("xu-ly/<str:number>/<str:action>/", views_staff.act, name="staff_act"),
    path("<str:number>/cung-gap/", views.me_too, name="me_too"),
    path("<str:number>/", views.public_detail, name="public_detail"),
]
