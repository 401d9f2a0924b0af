"""Burst limits hold across gunicorn's worker processes: the counts live in a cache they share."""

import uuid

import pytest
import requests

from tests.services import require_redis
from tests.stack import Stack

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("cache", ["files", "redis"])
def test_two_web_workers_share_one_anonymous_limit(tmp_path, cache, stack_template):
    stack = Stack(tmp_path, template=stack_template("sqlite"))
    stack.env["PODIUM_API_RATE_ANON"] = "6/min"
    if cache == "redis":
        # The tests' own Redis database, under a prefix no other run shares: nothing to flush.
        stack.env["PODIUM_CACHE_URL"] = require_redis()
        stack.env["PODIUM_CACHE_KEY_PREFIX"] = f"rate-test-{uuid.uuid4().hex}"
    try:
        stack.start_web()
        statuses = [
            requests.get(f"{stack.url}/api/v1/competitions/", timeout=10).status_code for _ in range(12)
        ]
    finally:
        stack.close()

    assert statuses == [200] * 6 + [429] * 6
