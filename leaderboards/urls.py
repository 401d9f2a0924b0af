from django.urls import path

from leaderboards import views

app_name = "leaderboards"
urlpatterns = [
    path("competitions/<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("competitions/<slug:slug>/leaderboard.csv", views.leaderboard_csv, name="leaderboard-csv"),
    path(
        "competitions/<slug:slug>/submissions/<int:submission_id>/delete/",
        views.delete,
        name="delete-submission",
    ),
    path("competitions/<slug:slug>/host/dashboard/", views.host_dashboard, name="host-dashboard"),
]
