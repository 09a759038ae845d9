from django.urls import path, re_path

from . import views

app_name = "questions"
CODE = r"(?P<code>HD-\d{2}-\d{4}-\d{6})"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("dat-cau-hoi/", views.ask, name="ask"),
    path("tuong-tu/", views.similar, name="similar"),
    path("thuong-gap/", views.faq, name="faq"),
    path("cua-toi/", views.mine, name="mine"),
    path("theo-doi/", views.track, name="track"),
    path("can-bo/", views.queue, name="queue"),
    re_path(rf"^can-bo/{CODE}/$", views.manage, name="manage"),
    re_path(rf"^can-bo/{CODE}/(?P<action>[a-z_]+)/$", views.officer_action, name="officer_action"),
    re_path(rf"^cua-toi/{CODE}/$", views.own, name="own"),
    re_path(rf"^cua-toi/{CODE}/(?P<action>provide_info|rate)/$", views.asker_action, name="asker_action"),
    re_path(rf"^{CODE}/$", views.detail, name="detail"),
    re_path(rf"^{CODE}/bao-cao/$", views.flag, name="flag"),
]
