from django.urls import path

from . import views, views_manage, views_staff

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("cuoc-thi/", views.quiz_list, name="quizzes"),
    path("cuoc-thi/<int:pk>/", views.quiz_detail, name="quiz"),
    path("bai-thi/<str:token>/", views.entry_page, name="entry"),
    path("bai-thi/<str:token>/luu/", views.entry_save, name="entry_save"),
    path("bai-thi/<str:token>/nop/", views.entry_submit, name="entry_submit"),
    path("to/", views_staff.teams, name="teams"),
    path("to/<int:pk>/", views_staff.team_detail, name="team"),
    path("thon/<int:village_id>/thanh-lap-to/", views_staff.team_create, name="team_create"),
    path("thon/nhap/<str:code>/", views_staff.village_import, name="village_import"),
    path("thon/them/<str:code>/", views_manage.village_create, name="village_create"),
    path("ke-hoach/", views_staff.plans, name="plans"),
    path("ke-hoach/tao/", views_manage.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/them-nhiem-vu/", views_manage.task_create, name="task_create"),
    path("cau-hoi/", views_manage.questions, name="questions"),
    path("cuoc-thi/tao/", views_manage.quiz_create, name="quiz_create"),
    path("ke-hoach/<int:pk>/", views_staff.plan_detail, name="plan"),
    path("nhiem-vu/<int:pk>/", views_staff.task_detail, name="task"),
]
