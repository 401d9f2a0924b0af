from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("competitions/<slug:slug>/submissions/", views.my_submissions, name="list"),
    path("competitions/<slug:slug>/submissions/<int:submission_id>/row/", views.row, name="row"),
    path("competitions/<slug:slug>/submissions/<int:submission_id>/select/", views.select, name="select"),
    path("competitions/<slug:slug>/submissions/<int:submission_id>/cancel/", views.cancel, name="cancel"),
    path("competitions/<slug:slug>/submissions/<int:submission_id>/runs/", views.code_runs, name="runs"),
    path("competitions/<slug:slug>/host/test-submissions/", views.host_test, name="host-test"),
    path(
        "competitions/<slug:slug>/host/phases/<int:number>/tracks/<slug:track>/code/",
        views.host_code,
        name="host-code",
    ),
]
