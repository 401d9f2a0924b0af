from django.urls import path

from competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.competition_list, name="home"),
    path("competitions/", views.competition_list, name="list"),
    path("competitions/new/", views.competition_create, name="new"),
    path("competitions/<slug:slug>/", views.overview, name="overview"),
    path("competitions/<slug:slug>/data/", views.data, name="data"),
    path("competitions/<slug:slug>/data/all.zip", views.download_zip, name="zip"),
    path("competitions/<slug:slug>/data/<str:name>", views.download_file, name="file"),
    path("competitions/<slug:slug>/evaluation/", views.evaluation, name="evaluation"),
    path("competitions/<slug:slug>/rules/", views.rules, name="rules"),
    path("competitions/<slug:slug>/join/", views.join, name="join"),
    path("competitions/<slug:slug>/publish/", views.publish, name="publish"),
]
