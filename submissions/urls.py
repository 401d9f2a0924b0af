from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("competitions/<slug:slug>/submissions/", views.my_submissions, name="list"),
]
