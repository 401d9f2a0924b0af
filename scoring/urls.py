from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("competitions/<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
]
urlpatterns += [
    path("competitions/<slug:slug>/leaderboard.csv", views.leaderboard_csv, name="leaderboard-csv"),
]
urlpatterns += [
    path(
        "competitions/<slug:slug>/submissions/<int:submission_id>/delete/",
        views.delete,
        name="delete-submission",
    ),
]
urlpatterns += [
    path("competitions/<slug:slug>/host/rescore/", views.rescore, name="rescore"),
    path(
        "competitions/<slug:slug>/host/rescore/cancel/", views.cancel_running_rescore, name="rescore-cancel"
    ),
]
urlpatterns += [
    path("competitions/<slug:slug>/host/dashboard/", views.host_dashboard, name="host-dashboard"),
]
urlpatterns += [
    path(
        "competitions/<slug:slug>/submissions/<int:submission_id>/disqualify/",
        views.disqualify,
        name="disqualify",
    )
]
