from django.urls import path

from mail import views

app_name = "mail"

urlpatterns = [
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mail/preferences/", views.preferences, name="preferences"),
]
