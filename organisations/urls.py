from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.create, name="new"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/members/", views.add_member, name="member-add"),
    path("<slug:slug>/members/<str:username>/role/", views.change_role, name="member-role"),
    path("<slug:slug>/members/<str:username>/remove/", views.remove_member, name="member-remove"),
]
