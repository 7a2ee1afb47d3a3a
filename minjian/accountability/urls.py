from django.urls import path

from minjian.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.league, name="league"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("cases.csv", views.cases_csv, name="cases_csv"),
    path("petitions.csv", views.petitions_csv, name="petitions_csv"),
    path("<slug:slug>/", views.organisation_page, name="organisation"),
    path("<slug:slug>/cases.csv", views.organisation_cases_csv, name="organisation_cases_csv"),
    path(
        "<slug:slug>/petitions.csv",
        views.organisation_petitions_csv,
        name="organisation_petitions_csv",
    ),
]
