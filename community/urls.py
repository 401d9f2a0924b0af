from django.urls import path

from community import views

app_name = "community"
urlpatterns = [
    path("competitions/<slug:slug>/discussion/", views.discussion_page, name="discussion"),
    path("community/<str:kind>/<str:key>/comments/", views.post_comment, name="comment-post"),
    path("community/comments/<int:comment_id>/edit/", views.edit_comment, name="comment-edit"),
    path("community/comments/<int:comment_id>/delete/", views.delete_comment, name="comment-delete"),
    path("community/comments/<int:comment_id>/flag/", views.flag_comment, name="comment-flag"),
    path("community/votes/<str:kind>/<str:key>/", views.toggle_vote, name="vote"),
    path("notifications/", views.notifications_page, name="notifications"),
]
