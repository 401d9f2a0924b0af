from django.urls import path

from bundles import views

app_name = "bundles"
urlpatterns = [
    path("competitions/import/", views.import_page, name="import"),
    path("competitions/imports/<int:import_id>/", views.report_page, name="report"),
]
