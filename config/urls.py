from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): the site's own.
    path("favicon.ico", RedirectView.as_view(url=static("podium/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("datasets/", include("datasets.urls")),
    path("orgs/", include("organisations.urls")),
    path("", include("bundles.urls")),  # before competitions': competitions/import/ is not a slug
    path("", include("competitions.urls")),
    path("", include("submissions.urls")),
    path("", include("scoring.urls")),
    path("", include("scoring_programs.urls")),
    path("", include("leaderboards.urls")),
    path("", include("moderation.urls")),
    path("", include("community.urls")),
    path("", include("projects.urls")),
    path("", include("mail.urls")),
]

handler404 = "config.error_pages.not_found"
handler500 = "config.error_pages.server_error"
