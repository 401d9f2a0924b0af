from django.apps import AppConfig


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = "Community"

    def ready(self):
        from community.writeups import teams_with_code
        from leaderboards.queries import register_row_filter

        register_row_filter("code", "With code", teams_with_code)
