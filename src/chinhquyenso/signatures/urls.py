from django.urls import path

from . import views

app_name = "signatures"
urlpatterns = [
    path("kiem-tra/", views.verify_page, name="verify"),
]
