from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("tinh-han/", views.due_page, name="due"),
    path("nhap-bang/", views.import_page, name="import"),
]
