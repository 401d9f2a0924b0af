"""List filters the moderation columns share: whether a moment field (suspended_at, banned_at,
disqualified_at, ...) is set, as "Yes" and "No" rather than the admin's "Empty" and "Not empty"."""

from django.contrib import admin


def was_set_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A filter on whether `field` is set, shown under `title` (for example "suspended")."""

    class WasSetFilter(admin.SimpleListFilter):
        parameter_name = field.removesuffix("_at")

        def lookups(self, request, model_admin):
            return [("yes", "Yes"), ("no", "No")]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(**{f"{field}__isnull": False})
            if self.value() == "no":
                return queryset.filter(**{f"{field}__isnull": True})
            return queryset

    WasSetFilter.title = title
    WasSetFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return WasSetFilter
