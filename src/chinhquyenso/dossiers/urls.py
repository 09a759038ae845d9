from django.urls import include, path

app_name = "dossiers"
urlpatterns: list = [
    # Legal slips (BM.01–BM.06) and the national-portal sync screens live in their own packages.
    path("phieu/", include("chinhquyenso.dossiers.slips.urls")),
    path("dong-bo/", include("chinhquyenso.dossiers.national.urls")),
]
