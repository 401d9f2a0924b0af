from django.urls import path

from scoring_programs import views

app_name = "scoring_programs"

urlpatterns = [
    path("competitions/<slug:slug>/host/scoring-program/", views.host_program, name="host"),
    path(
        "competitions/<slug:slug>/host/scoring-program/runs/<int:run_id>/", views.host_program_run, name="run"
    ),
]
