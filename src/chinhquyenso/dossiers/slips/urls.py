from django.urls import path

from . import views

app_name = "slips"
urlpatterns = [
    path("<int:pk>/pdf/", views.slip_pdf, name="pdf"),
    path("so-theo-doi/", views.register_export, name="register"),
]
