from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/new/", views.project_create, name="new"),
    path("projects/<slug:slug>/", views.project_detail, name="detail"),
    path("projects/<slug:slug>/v<int:number>/", views.project_version, name="version"),
    path("projects/<slug:slug>/v<int:number>/files/<str:name>", views.download_file, name="file"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="edit"),
    path("projects/<slug:slug>/versions/new/", views.version_create, name="new_version"),
    path("projects/<slug:slug>/fork/", views.fork, name="fork"),
    path("competitions/<slug:slug>/code/", views.competition_code_tab, name="competition_code"),
    path("datasets/<slug:slug>/code/", views.dataset_code_tab, name="dataset_code"),
]
