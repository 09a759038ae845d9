from django.urls import include, path

from .views import citizen, office

app_name = "dossiers"
urlpatterns: list = [
    # Citizens
    path("tra-cuu/", citizen.lookup, name="lookup"),
    path("nop/<str:code>/", citizen.start, name="start"),
    path("nop/ho-so/<int:pk>/tai-len/<int:spec_id>/", citizen.upload, name="upload"),
    path("nop/ho-so/<int:pk>/nop/", citizen.submit, name="submit"),
    path("nop/ho-so/<int:pk>/<slug:step>/", citizen.wizard, name="wizard"),
    path("cua-toi/", citizen.mine, name="mine"),
    path("cua-toi/<int:pk>/", citizen.mine_detail, name="mine_detail"),
    path("cua-toi/<int:pk>/tep/<int:component_id>/", citizen.mine_file, name="mine_file"),
    path("cua-toi/<int:pk>/ket-qua/<int:result_id>/", citizen.mine_result, name="mine_result"),
    path("cua-toi/<int:pk>/<slug:action>/", citizen.mine_action, name="mine_action"),
    # Officers
    path("xu-ly/", office.queue, name="queue"),
    path("xu-ly/hang-doi/<slug:tab>/", office.queue, name="queue_tab"),
    path("xu-ly/<int:pk>/", office.detail, name="office_detail"),
    path("xu-ly/<int:pk>/so-hoa/", office.scan, name="scan"),
    path("xu-ly/<int:pk>/tep/<int:component_id>/", office.office_file, name="office_file"),
    path("xu-ly/<int:pk>/thao-tac/<slug:action>/", office.act, name="act"),
    path("xu-ly/<int:pk>/phi/<int:fee_id>/", office.pay, name="pay"),
    path("xu-ly/<int:pk>/ket-qua/", office.add_result, name="add_result"),
    path("xu-ly/<int:pk>/ket-qua/<int:result_id>/", office.office_result, name="office_result"),
    path("tiep-nhan/", office.counter, name="counter"),
    # Legal slips (BM.01–BM.06) and the national-portal sync screens live in their own packages.
    path("phieu/", include("chinhquyenso.dossiers.slips.urls")),
    path("dong-bo/", include("chinhquyenso.dossiers.national.urls")),
]
