"""Podium's settings: one module, read from the environment.

Every variable has a default that runs the embedded mode (SQLite, files and the Celery
broker under var/); docs/configuration.md documents each one.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PODIUM_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def embedded_secret_key() -> str:
    """A key generated once per var/ directory, so sessions survive restarts in the embedded mode."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or embedded_secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# Served over HTTPS (behind a proxy that terminates TLS): one switch turns on every HTTPS setting with sound
# defaults, each of which can also be set alone. With it, `manage.py check --deploy` is clean.
PODIUM_HTTPS = env_bool("PODIUM_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("PODIUM_SSL_REDIRECT", PODIUM_HTTPS)
SESSION_COOKIE_SECURE = env_bool("PODIUM_SECURE_COOKIES", PODIUM_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("PODIUM_HSTS_SECONDS", "31536000" if PODIUM_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PODIUM_HSTS_INCLUDE_SUBDOMAINS", PODIUM_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("PODIUM_HSTS_PRELOAD", PODIUM_HTTPS)
if env_bool("PODIUM_BEHIND_TLS_PROXY", PODIUM_HTTPS):
    # The proxy says which scheme the client used; only ever set this behind a proxy that sets the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Content-Security-Policy (django-csp): pages run only the project's own scripts and styles, from its own
# origin, with no inline script, inline style or event-handler attribute; nothing may frame them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after PODIUM_LOGIN_FAILURE_LIMIT wrong passwords for one account from one
# address, that pair waits PODIUM_LOGIN_COOLOFF_MINUTES. Counting the pair, not the address alone, keeps a
# classroom behind one NAT address logging in, and nobody can lock another person out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("PODIUM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PODIUM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the wait shown is the wait there is
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"  # as the API's limits read it
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "allauth",
    "allauth.account",
    "accounts",
    "organisations",
    "datasets",
    "competitions",
    "submissions",
    "scoring",
    "leaderboards",
    "moderation",
    "community",
    "projects",
    "mail",
    "execution",
    "bundles",
    "scoring_programs",
]

MIDDLEWARE = [
    "config.middleware.WebPoolHeaderMiddleware",  # first: every answer names its pool, whoever made it
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DomainErrorPageMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "config.throttles.RateLimitHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into its answer
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # |utc and |local_time, and |markdown (sanitised), in every template
            "builtins": ["config.timestamps", "config.rendering"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'podium.sqlite3'}"),
        # Persistent connections: opening one per request costs more than a leaderboard query.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions take the
    # write lock up front, so two quota checks are serialised instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "competitions:list"
LOGOUT_REDIRECT_URL = "competitions:list"

# Password reset and change are django-allauth's views (docs/accounts.md says why only those): the login,
# sign-up and logout pages stay the project's own, so django-axes keeps throttling the one login form.
ACCOUNT_ADAPTER = "accounts.adapter.PodiumAccountAdapter"
ACCOUNT_FORMS = {
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Podium: "
ACCOUNT_PREVENT_ENUMERATION = True  # the same answer whether an account uses the address or not
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # the new password is tried on the login page, throttle and all
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; the others end (Django's session hash)
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PODIUM_PASSWORD_RESET_HOURS", "24")) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

S3_BUCKET = os.environ.get("PODIUM_S3_BUCKET", "")


def file_storage(prefix: str) -> dict:
    """A storage with no public URL: files leave it only through views that check rights."""
    if S3_BUCKET:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "location": prefix,
                "endpoint_url": os.environ.get("PODIUM_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("PODIUM_S3_REGION") or None,
                # Signed URLs in Signature Version 4, the only one every AWS region and every bucket made
                # since 2020 accepts (boto3 signs S3 URLs in the retired version 2 unless told).
                "signature_version": "s3v4",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        }
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files" / prefix), "base_url": None},
    }


STORAGES = {
    "default": file_storage("private"),
    "private": file_storage("private"),
    "public_data": file_storage("public"),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# platform/nginx/podium.conf's client_max_body_size values must match these two limits.
PODIUM_MAX_UPLOAD_MB = int(os.environ.get("PODIUM_MAX_UPLOAD_MB", "100"))
PODIUM_MAX_DATASET_FILE_MB = int(os.environ.get("PODIUM_MAX_DATASET_FILE_MB", "2048"))
# The largest competition logo (PNG, JPEG, GIF or WebP) a host uploads or a bundle brings (competitions.logos).
PODIUM_LOGO_MAX_KB = int(os.environ.get("PODIUM_LOGO_MAX_KB", "512"))
# Behind nginx (platform/nginx/), downloads from the filesystem storages are checked here and sent by
# nginx from this internal location (X-Accel-Redirect); empty, Django streams them itself.
PODIUM_ACCEL_REDIRECT_PREFIX = os.environ.get("PODIUM_ACCEL_REDIRECT_PREFIX", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

# --- E-mail ----------------------------------------------------------------------------------
# Mail (password resets) goes through Django's e-mail backend. With PODIUM_EMAIL_HOST, an SMTP server; without,
# each message is written as a file under var/mail/, so the embedded mode needs no mail server.
EMAIL_HOST = os.environ.get("PODIUM_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_USE_SSL = env_bool("PODIUM_EMAIL_SSL", False)  # TLS from the first byte (usually port 465)
    EMAIL_USE_TLS = env_bool("PODIUM_EMAIL_TLS", not EMAIL_USE_SSL)  # STARTTLS (usually port 587)
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        raise ValueError("PODIUM_EMAIL_SSL and PODIUM_EMAIL_TLS cannot both be true: choose one")
    EMAIL_PORT = int(os.environ.get("PODIUM_EMAIL_PORT", "465" if EMAIL_USE_SSL else "587"))
    EMAIL_HOST_USER = os.environ.get("PODIUM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PODIUM_EMAIL_PASSWORD", "")
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("PODIUM_EMAIL_FROM", "Podium <podium@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as its users reach it: links in mail (sent by workers, with no request to read it from).
PODIUM_SITE_URL = os.environ.get("PODIUM_SITE_URL", "http://localhost:8000")
# How long an address confirmation link works (docs/accounts.md).
PODIUM_EMAIL_CONFIRMATION_DAYS = int(os.environ.get("PODIUM_EMAIL_CONFIRMATION_DAYS", "3"))

# --- Community -------------------------------------------------------------------------------
PODIUM_COMMENT_EDIT_MINUTES = int(os.environ.get("PODIUM_COMMENT_EDIT_MINUTES", "30"))
PODIUM_NEW_ACCOUNT_DAYS = int(os.environ.get("PODIUM_NEW_ACCOUNT_DAYS", "3"))
PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = int(os.environ.get("PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR", "5"))
# How many ratings at the site's mean every rated item starts with when lists rank by rating (config/ratings.py).
PODIUM_RATING_PRIOR_WEIGHT = max(0, int(os.environ.get("PODIUM_RATING_PRIOR_WEIGHT", "5")))

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
PODIUM_SCORING_SOFT_LIMIT = int(os.environ.get("PODIUM_SCORING_SOFT_LIMIT", "300"))
PODIUM_SCORING_HARD_LIMIT = int(os.environ.get("PODIUM_SCORING_HARD_LIMIT", "360"))
PODIUM_REQUEUE_AFTER = int(os.environ.get("PODIUM_REQUEUE_AFTER", "120"))
PODIUM_SWEEP_EVERY = int(os.environ.get("PODIUM_SWEEP_EVERY", "60"))
PODIUM_RESCORE_MAX_RESUMES = int(os.environ.get("PODIUM_RESCORE_MAX_RESUMES", "5"))
PODIUM_SCORING_LEASE = int(os.environ.get("PODIUM_SCORING_LEASE", "60"))
PODIUM_SCORING_MAX_CRASHES = int(os.environ.get("PODIUM_SCORING_MAX_CRASHES", "3"))
# The first pages of a public board are kept this long in the cache, and forgotten when the board changes.
PODIUM_BOARD_CACHE_SECONDS = float(os.environ.get("PODIUM_BOARD_CACHE_SECONDS", "2"))
# Which pool of web processes this one is (platform/: "read" for the pool nginx sends the boards' reads to);
# every answer names it in an X-Podium-Pool header.
PODIUM_WEB_POOL = os.environ.get("PODIUM_WEB_POOL", "web")


def broker_transport_options() -> dict:
    if CELERY_BROKER_URL.startswith("filesystem://"):
        queue_dir = VAR_DIR / "broker" / "queue"
        processed_dir = VAR_DIR / "broker" / "processed"
        control_dir = VAR_DIR / "broker" / "control"
        for folder in (queue_dir, processed_dir, control_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(processed_dir),
            "control_folder": str(control_dir),
            "store_processed": False,
            "polling_interval": 0.2,
        }
    return {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options()
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = PODIUM_SCORING_SOFT_LIMIT
CELERY_TASK_TIME_LIMIT = PODIUM_SCORING_HARD_LIMIT
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery closes every database connection before and after each task unless this is set; the worker then
# reuses them as the web does (config/celery.py: DATABASE_CONN_MAX_AGE and the health check decide).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-submissions": {
        "task": "scoring.tasks.sweep_stuck_submissions",
        "schedule": PODIUM_SWEEP_EVERY,
    },
    "build-due-private-boards": {
        "task": "leaderboards.tasks.build_due_private_boards",
        "schedule": PODIUM_SWEEP_EVERY,
    },
    "clean-interrupted-uploads": {"task": "submissions.tasks.clean_interrupted_uploads", "schedule": 3600},
    "mail-deadline-reminders": {"task": "community.tasks.mail_deadline_reminders", "schedule": 600},
    "sweep-waiting-mail": {"task": "mail.tasks.sweep_waiting_mail", "schedule": 600},
    "sweep-lost-sandbox-runs": {"task": "execution.tasks.sweep_lost_runs", "schedule": PODIUM_SWEEP_EVERY},
    "sweep-bundle-imports": {"task": "bundles.tasks.sweep_bundle_imports", "schedule": PODIUM_SWEEP_EVERY},
}
if PODIUM_SCORING_HARD_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ValueError("PODIUM_SCORING_HARD_LIMIT must stay below CELERY_VISIBILITY_TIMEOUT")

# --- Sandbox (docs/sandbox.md) -----------------------------------------------------------------------
# Sandbox runs go to their own queue, taken only by the Procfile's `sandbox` workers (`-Q sandbox`); their
# sweeper stays on the default queue, so it runs even while every sandbox worker is busy or gone. Scoring
# programs' dry runs go there too, and so do submissions to a pair a host's program scores
# (submissions.services.enqueue_scoring).
CELERY_TASK_ROUTES = {
    "execution.tasks.run_in_sandbox": {"queue": "sandbox"},
    "scoring_programs.tasks.*": {"queue": "sandbox"},
}
# Runtimes an operator built with `manage.py build_runtime` live here, one virtualenv per package list.
PODIUM_RUNTIMES_DIR = Path(os.environ.get("PODIUM_RUNTIMES_DIR", VAR_DIR / "runtimes")).resolve()
# The runtimes hosts may pick for their competitions besides `default`: built on every sandbox worker.
PODIUM_SANDBOX_RUNTIMES = env_list("PODIUM_SANDBOX_RUNTIMES", "")
# The most one run may use.
PODIUM_SANDBOX_CPU_SECONDS = int(os.environ.get("PODIUM_SANDBOX_CPU_SECONDS", "600"))
PODIUM_SANDBOX_WALL_SECONDS = int(os.environ.get("PODIUM_SANDBOX_WALL_SECONDS", "900"))
PODIUM_SANDBOX_MEMORY_MB = int(os.environ.get("PODIUM_SANDBOX_MEMORY_MB", "4096"))
PODIUM_SANDBOX_PROCESSES = int(os.environ.get("PODIUM_SANDBOX_PROCESSES", "64"))
PODIUM_SANDBOX_OUTPUT_MB = int(os.environ.get("PODIUM_SANDBOX_OUTPUT_MB", "256"))
PODIUM_SANDBOX_SCRATCH_MB = int(os.environ.get("PODIUM_SANDBOX_SCRATCH_MB", "1024"))
PODIUM_SANDBOX_INPUT_MB = int(os.environ.get("PODIUM_SANDBOX_INPUT_MB", "2048"))
PODIUM_SANDBOX_LOG_KB = int(os.environ.get("PODIUM_SANDBOX_LOG_KB", "256"))
# Where each run gets a cgroup v2 of its own for its memory and process limits: "auto" (in the worker's own
# cgroup when systemd delegated it: Delegate=memory pids), "off", or the path of a cgroup folder the worker
# may write. Without one, runs are bounded by rlimits (docs/sandbox.md).
PODIUM_SANDBOX_CGROUP = os.environ.get("PODIUM_SANDBOX_CGROUP", "auto")
# A worker holds a run under a lease of this many seconds, renewed while it runs; a run whose lease ran out
# lost its worker and is queued again by the sweeper, up to PODIUM_SANDBOX_MAX_ATTEMPTS takes in all.
PODIUM_SANDBOX_LEASE = int(os.environ.get("PODIUM_SANDBOX_LEASE", "60"))
PODIUM_SANDBOX_MAX_ATTEMPTS = int(os.environ.get("PODIUM_SANDBOX_MAX_ATTEMPTS", "3"))
# An imported Codabench bundle (bundles/): the most it and the zips it holds may unpack to in all, per file,
# how many files, and how many times its compressed size a file may unpack to (past it: a zip bomb).
PODIUM_BUNDLE_MAX_MB = int(os.environ.get("PODIUM_BUNDLE_MAX_MB", "2048"))
PODIUM_BUNDLE_MAX_FILE_MB = int(os.environ.get("PODIUM_BUNDLE_MAX_FILE_MB", "1024"))
PODIUM_BUNDLE_MAX_FILES = int(os.environ.get("PODIUM_BUNDLE_MAX_FILES", "20000"))
PODIUM_BUNDLE_MAX_RATIO = int(os.environ.get("PODIUM_BUNDLE_MAX_RATIO", "200"))
# A worker imports a bundle (bundles.importing) under a lease of this many seconds, renewed while it works; an
# import whose lease ran out lost its worker and the sweeper queues it again. Celery stops an import that lasts
# longer than the time limit, which must end before the broker hands the unacknowledged task to another worker
# (by default half an hour, or a minute less than a shorter visibility timeout).
PODIUM_BUNDLE_IMPORT_LEASE = int(os.environ.get("PODIUM_BUNDLE_IMPORT_LEASE", "60"))
PODIUM_BUNDLE_IMPORT_TIME_LIMIT = int(
    os.environ.get("PODIUM_BUNDLE_IMPORT_TIME_LIMIT", str(min(1800, CELERY_VISIBILITY_TIMEOUT - 60)))
)
if PODIUM_BUNDLE_IMPORT_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ValueError("PODIUM_BUNDLE_IMPORT_TIME_LIMIT must stay below CELERY_VISIBILITY_TIMEOUT")
# A sandbox task may last the run's wall clock plus this (unpacking, storing the output) before Celery kills
# it; that must end before the broker hands the unacknowledged task to another worker.
PODIUM_SANDBOX_TASK_MARGIN = 60
if PODIUM_SANDBOX_WALL_SECONDS + PODIUM_SANDBOX_TASK_MARGIN >= CELERY_VISIBILITY_TIMEOUT:
    raise ValueError(
        f"PODIUM_SANDBOX_WALL_SECONDS + {PODIUM_SANDBOX_TASK_MARGIN} must stay below CELERY_VISIBILITY_TIMEOUT"
    )

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "config.api_errors.podium_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api_input_limits.BoundedPagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.api_input_limits.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "config.api_input_limits.WholeMultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["config.throttles.AnonBurstThrottle", "config.throttles.UserBurstThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("PODIUM_API_RATE_ANON", "120/min"),
        "user": os.environ.get("PODIUM_API_RATE_USER", "1200/min"),
        # Confirmation mails a user may ask for (a resend, a changed address), page and API together.
        "email_confirmation": os.environ.get("PODIUM_EMAIL_CONFIRMATION_RATE", "3/hour"),
    },
    "NUM_PROXIES": int(os.environ["PODIUM_NUM_PROXIES"]) if os.environ.get("PODIUM_NUM_PROXIES") else None,
}

# The OpenAPI schema (/api/schema/) and its docs page (/api/docs/), which loads Swagger UI from the
# sidecar package's static files: the docs work with no internet. (ReDoc is left out: its bundle
# fetches a logo from its vendor's CDN.)
SPECTACULAR_SETTINGS = {
    "TITLE": "Podium API",
    "DESCRIPTION": """\
Podium's REST API: datasets, competitions, submissions, leaderboards and teams. The `podium`
command-line client uses it, and so can any script.

**Authentication.** Create a token on your profile page (or POST /api/v1/me/tokens/ from a
logged-in browser session) and send it on every request as `Authorization: Bearer <token>`.
Reading public competitions, datasets and leaderboards needs no token; downloading data, anything
that changes something and anything that shows your own submissions or team does. A request without
credentials to a route that needs them, or with an invalid or revoked token on any route, is answered
with 401.

**Errors.** Every error has the same JSON shape, whatever the status:
`{"code": "quota_exceeded", "message": "A sentence for the person reading it.", "details": {...}}`.
`code` is stable and meant for programs; `message` is written for people; `details` holds extra
facts (for a refused form, `details.fields` maps each field to its messages).

**Paging.** Lists answer `{"count", "next", "previous", "results"}` and take `?limit=` and
`?offset=`; `next` and `previous` are ready-made URLs of the neighbouring pages. The leaderboard pages
the same way and says `count`, `offset` and `limit` itself.

**Rate limits.** Burst limits protect the server from scripts that loop too fast (anonymous clients
are counted per IP address, logged-in ones per user). Answers carry the tightest limit that applied:
`X-RateLimit-Limit` (requests allowed in the window), `X-RateLimit-Remaining` (requests left in it)
and `X-RateLimit-Reset` (seconds until a request is freed again). A refused request gets 429 with
`Retry-After`. A competition's daily submission quota is a separate rule: an upload over it is also
answered with 429, code `quota_exceeded`, and the quota in `details`.

**Downloads.** Data files, data zips and submission files answer HTTP Range requests, so an
interrupted download resumes; each answer gives the whole file's SHA-256 in `X-Checksum-SHA256`.
""",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "TAGS": [
        {"name": "account", "description": "Who you are, and your API tokens."},
        {"name": "competitions", "description": "Find, create, publish and join competitions; their data."},
        {
            "name": "admission",
            "description": "Who may see and join an unlisted or private competition: invitation links, the "
            "allow-list, join requests.",
        },
        {"name": "submissions", "description": "Upload predictions, follow their scoring, pick finals."},
        {"name": "leaderboards", "description": "Public and private standings, and rescoring."},
        {"name": "moderation", "description": "Disqualifying a submission or a team (the host or an admin)."},
        {"name": "teams", "description": "Your team in a competition: invitations and merges."},
        {"name": "datasets", "description": "Versioned datasets, their files and Croissant metadata."},
        {
            "name": "projects",
            "description": "Code, notebooks and models in versions; forks (docs/projects.md).",
        },
        {"name": "organisations", "description": "Organisations that host competitions and own datasets."},
        {"name": "community", "description": "Comments, votes, flags, notifications and write-ups."},
        {
            "name": "benchmarks",
            "description": "Finished competitions kept open, with Papers With Code tables.",
        },
        {"name": "papers", "description": "Papers and their implementations, tasks, and site search."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "CompetitionStatusEnum": "competitions.models.Competition.Status",
        "CompetitionVisibilityEnum": "competitions.models.Competition.Visibility",
        "JoinRequestStatusEnum": "competitions.models.JoinRequest.Status",
        "TeamAnswerStatusEnum": "competitions.models.AnswerStatus",
        "SubmissionStatusEnum": "submissions.models.Submission.Status",
        "SubmissionKindEnum": "submissions.models.Submission.Kind",
        "CodeRunInputsEnum": ["sample", "hidden"],
        "CodeRunStatusEnum": ["running", "succeeded", "failed"],
        "PhaseTrackAcceptsEnum": ["files", "code", "both"],
        "RescoreStatusEnum": "scoring.models.Rescore.Status",
        "DatasetVisibilityEnum": "datasets.models.Dataset.Visibility",
        "NewDatasetVisibilityEnum": ["public", "private"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_rate_limits",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
}

# Throttle counts and file previews live in the cache, shared by every web process: files under var/
# in the embedded mode, Redis (PODIUM_CACHE_URL) in production.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": os.environ.get("PODIUM_CACHE_KEY_PREFIX", ""),
    }
    if (CACHE_URL := os.environ.get("PODIUM_CACHE_URL"))
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PODIUM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
