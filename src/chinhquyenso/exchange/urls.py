from django.urls import path

from . import views
from .models import Direction

app_name = "exchange"
urlpatterns = [
    path("", views.box, {"direction": Direction.OUTGOING}, name="outbox"),
    path("nhan-ve/", views.box, {"direction": Direction.INCOMING}, name="inbox"),
    path("goi-tin/<int:pk>/", views.detail, name="detail"),
    path("goi-tin/<int:pk>/gui-lai/", views.retry, name="retry"),
    path("goi-tin/<int:pk>/lay-lai/", views.recall, name="recall"),
    path("goi-tin/<int:pk>/tra-loi-lay-lai/", views.answer_recall, name="answer_recall"),
]
