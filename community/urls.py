from django.urls import path

from community import benchmark_views, paper_views, views, writeup_views

app_name = "community"
urlpatterns = [
    path("competitions/<slug:slug>/discussion/", views.discussion_page, name="discussion"),
    path("competitions/<slug:slug>/benchmark/", benchmark_views.benchmark_page, name="benchmark"),
    path("competitions/<slug:slug>/benchmark/open/", benchmark_views.benchmark_open, name="benchmark-open"),
    path(
        "competitions/<slug:slug>/benchmark/import/",
        benchmark_views.benchmark_import,
        name="benchmark-import",
    ),
    path(
        "competitions/<slug:slug>/benchmark/evaluation-tables.json",
        benchmark_views.benchmark_export,
        name="benchmark-export",
    ),
    path("competitions/<slug:slug>/benchmark/task/", paper_views.benchmark_task, name="benchmark-task"),
    path("papers/", paper_views.paper_list, name="papers"),
    path("papers/import/", paper_views.paper_import, name="paper-import"),
    path("papers/export/<str:name>", paper_views.paper_export, name="paper-export"),
    path("papers/<int:paper_id>/", paper_views.paper_detail, name="paper"),
    path("tasks/", paper_views.task_list, name="tasks"),
    path("tasks/<slug:slug>/", paper_views.task_detail, name="task"),
    path("search/", paper_views.search_page, name="search"),
    path("competitions/<slug:slug>/writeups/", writeup_views.writeup_list, name="writeups"),
    path("competitions/<slug:slug>/writeups/new/", writeup_views.writeup_create, name="writeup-new"),
    path("competitions/<slug:slug>/writeups/<int:writeup_id>/", writeup_views.writeup_detail, name="writeup"),
    path(
        "competitions/<slug:slug>/writeups/<int:writeup_id>/edit/",
        writeup_views.writeup_edit,
        name="writeup-edit",
    ),
    path(
        "competitions/<slug:slug>/writeups/<int:writeup_id>/delete/",
        writeup_views.writeup_delete,
        name="writeup-delete",
    ),
    path("community/<str:kind>/<str:key>/comments/", views.post_comment, name="comment-post"),
    path("community/comments/<int:comment_id>/edit/", views.edit_comment, name="comment-edit"),
    path("community/comments/<int:comment_id>/delete/", views.delete_comment, name="comment-delete"),
    path("community/comments/<int:comment_id>/flag/", views.flag_comment, name="comment-flag"),
    path("community/votes/<str:kind>/<str:key>/", views.toggle_vote, name="vote"),
    path("community/ratings/<str:kind>/<str:key>/", views.rate, name="rate"),
    path("ratings/", views.ratings_help, name="ratings-help"),
    path("notifications/", views.notifications_page, name="notifications"),
]
