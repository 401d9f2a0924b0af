"""Settings for the test process: production's, with a fast password hasher.

Every factory user and every test login hashes a password; PBKDF2 at production strength costs about
0.2 s a time on a 2-core machine, which was most of the suite's set-up. The real processes the
integration and browser tests start keep `config.settings` and its hasher (tests/accounts checks that
production's default is PBKDF2).
"""

import os

from config.settings import *  # noqa: F403 - the test settings are production's plus the overrides below

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-axes refuses authenticate() without a request, which Django's test client.login() makes; the login
# throttle's own tests (tests/accounts/test_login_throttle.py) turn it back on, and the real processes of
# the integration and browser tests keep it on.
AXES_ENABLED = False

# `make test` runs the suite in pytest-xdist workers, and every test starts by clearing the cache
# (tests/conftest.py): each worker gets a cache folder of its own, so one worker's clear never wipes the
# counts a test in another is making.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if XDIST_WORKER and CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    CACHES["default"]["LOCATION"] = str(VAR_DIR / f"cache-{XDIST_WORKER}")  # noqa: F405
