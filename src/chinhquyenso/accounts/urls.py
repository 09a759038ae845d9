from django.urls import path

from . import views
from .providers import views as provider_views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("cap-nhat/", views.profile_edit, name="profile_edit"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("xac-thuc-hai-lop/dang-ky/", views.two_factor_enrol, name="two_factor_enrol"),
    path("xac-thuc-hai-lop/xac-minh/", views.two_factor_verify, name="two_factor_verify"),
    path("xac-thuc-hai-lop/tat/", views.two_factor_disable, name="two_factor_disable"),
    path("khoa-api/", views.api_tokens, name="api_tokens"),
    path("khoa-api/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
    path("dang-nhap/<slug:key>/", provider_views.provider_start, name="provider_start"),
    path("dang-nhap/<slug:key>/callback/", provider_views.provider_callback, name="provider_callback"),
]
