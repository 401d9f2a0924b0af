from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("competitions/<slug:slug>/host/rescore/", views.rescore, name="rescore"),
    path(
        "competitions/<slug:slug>/host/rescore/cancel/", views.cancel_running_rescore, name="rescore-cancel"
    ),
]
