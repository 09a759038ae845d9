from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "documents"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="documents:incoming", permanent=False), name="home"),
    path("den/", views.register_list, {"direction": "in"}, name="incoming"),
    path("di/", views.register_list, {"direction": "out"}, name="outgoing"),
    path("den/vao-so/", views.register_incoming, name="register_incoming"),
    path("di/soan/", views.draft, name="draft"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/thao-tac/<slug:name>/", views.act, name="act"),
    path("tep/<int:pk>/", views.download, name="download"),
    path("so/den/<int:agency_id>/<int:year>.<str:fmt>", views.export, {"direction": "in"}, name="export_incoming"),
    path("so/di/<int:agency_id>/<int:year>.<str:fmt>", views.export, {"direction": "out"}, name="export_outgoing"),
]
