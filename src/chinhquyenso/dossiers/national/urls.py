from django.urls import path

from . import views

app_name = "national"
urlpatterns = [
    path("", views.failures, name="failures"),
    path("<int:pk>/thu-lai/", views.retry, name="retry"),
]
