from django.urls import path, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>[a-z0-9]{1,8})$"
urlpatterns = [
    path("", views.discovery, {"fmt": "xml"}, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,60})" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]{1,60})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,60})" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="updates"),
]
