from django.urls import path

from datasets import views

app_name = "datasets"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("new/", views.dataset_create, name="new"),
    path("<slug:slug>/", views.dataset_detail, name="detail"),
    path("<slug:slug>/edit/", views.dataset_edit, name="edit"),
    path("<slug:slug>/versions/new/", views.version_create, name="new_version"),
    path("<slug:slug>/delete/", views.dataset_delete, name="delete"),
    path("<slug:slug>/v<int:number>.zip", views.download_zip, name="zip"),
    path("<slug:slug>/v<int:number>/<str:name>", views.download_file, name="file"),
]
