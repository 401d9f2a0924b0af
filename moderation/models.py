from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditLogEntry(models.Model):
    """One moderation action: who did what to which object, and why. Written in the same transaction as the
    change it records, and never edited afterwards."""

    class Action(models.TextChoices):
        COMPETITION_SUSPENDED = "competition_suspended", "Competition suspended"
        COMPETITION_RESTORED = "competition_restored", "Competition restored"
        COMPETITION_FEATURED = "competition_featured", "Competition featured"
        COMPETITION_UNFEATURED = "competition_unfeatured", "Competition unfeatured"
        TEAM_DISQUALIFIED = "team_disqualified", "Team disqualified"
        SUBMISSION_DISQUALIFIED = "submission_disqualified", "Submission disqualified"
        USER_BANNED = "user_banned", "User banned"
        USER_UNBANNED = "user_unbanned", "User unbanned"
        RESCORE_STARTED = "rescore_started", "Rescore started"
        COMMENT_HIDDEN = "comment_hidden", "Comment hidden"
        COMMENT_RESTORED = "comment_restored", "Comment restored"
        COMPETITION_DELETED = "competition_deleted", "Competition deleted"
        USER_DELETED = "user_deleted", "User deleted"
        RATING_REMOVED = "rating_removed", "Rating removed"
        COMPETITION_LOGO_REMOVED = "competition_logo_removed", "Competition logo removed"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_actions",
        help_text="Empty for an action Podium took by itself.",
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name="target type"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(
        max_length=300, help_text="What the target was called, kept after the target is deleted."
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_log_target")]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_repr}"
