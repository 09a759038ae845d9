from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("bo-tieu-chi/", views.sets, name="sets"),
    path("bo-tieu-chi/nhap/", views.set_import, name="set_import"),
    path("bo-tieu-chi/<int:set_id>/", views.set_detail, name="set"),
    path("bo-tieu-chi/<int:set_id>/tai.<fmt>", views.set_export, name="set_export"),
    path("cua-toi/", views.workspace, name="workspace"),
    path("ke-hoach/", views.plan, name="plan"),
    path("don-vi/<str:code>/", views.unit_history, name="unit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/minh-chung/<int:score_id>/", views.evidence, name="evidence"),
]
