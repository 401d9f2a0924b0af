from django.urls import path

from moderation import views

app_name = "moderation"
urlpatterns = [
    path(
        "competitions/<slug:slug>/submissions/<int:submission_id>/disqualify/",
        views.disqualify,
        name="disqualify",
    ),
]
