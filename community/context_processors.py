from django.utils.functional import SimpleLazyObject

from community.queries import unread_notification_count


def notifications(request) -> dict:
    """The unread count for the header's link: counted only when a page shows it (the admin does not)."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_notification_count(request.user))}
