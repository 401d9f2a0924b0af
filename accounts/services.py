import secrets

from django.db import transaction

from accounts.models import ApiToken, User, hash_token
from config.plain_text import refuse_control_characters

TOKEN_PREFIX = "pod_"  # noqa: S105 - the public prefix every token starts with, not a secret


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored and never shown again."""
    refuse_control_characters(name, field="name", label="token name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "token", prefix=raw[:10], key_hash=hash_token(raw)
    )
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> bool:
    """Delete one of the user's tokens; False when they have no such token."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def podium_json(site_url: str, user: User, raw_token: str) -> dict:
    """The ~/.podium/podium.json the `podium` command reads, like Kaggle's kaggle.json."""
    return {"url": site_url.rstrip("/"), "username": user.username, "token": raw_token}
