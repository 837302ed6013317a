"""Settings for the compliance portal, read from the environment.

With no environment at all (and DEBUG=1, as `make run` sets) the portal runs on a laptop with no
servers: SQLite, Celery's filesystem broker, console email. Production (DEBUG unset) refuses to
start without SECRET_KEY, PORTAL_ENCRYPTION_KEYS and PORTAL_AUDIT_KEYS. Every variable is listed
in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.formats.en_GB import formats as _formats
from portal.lib.audit_seal import parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
DEBUG = env.bool("DEBUG", default=False)

# Development keys exist only so `make run` works out of the box; production must set real ones.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghijkl"
_DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="
_DEV_AUDIT_KEY = "dev:ZGV2LW9ubHktYXVkaXQta2V5LW5ldmVyLWluLXByb2Q="

# Read as-is: django-environ would treat a key starting with "$" as the name of another variable.
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
# Fernet keys, newest first, comma separated; kept apart from SECRET_KEY (see socialmedia).
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=[_DEV_ENCRYPTION_KEY] if DEBUG else []
)
# Keys sealing the audit trail (portal/lib/audit_seal.py): "id:base64key", newest first, comma
# separated. Never in the database: whoever can write to it must not be able to re-seal it.
PORTAL_AUDIT_KEYS = env.list("PORTAL_AUDIT_KEYS", default=[_DEV_AUDIT_KEY] if DEBUG else [])
try:
    # A bad value is wrong with DEBUG on too; the message names a key id, never a key.
    _audit_keys = parse_keys(PORTAL_AUDIT_KEYS)
except ValueError as exc:
    raise ImproperlyConfigured(f"PORTAL_AUDIT_KEYS: {exc}.") from None
if not DEBUG:
    if not _audit_keys or parse_keys([_DEV_AUDIT_KEY])["dev"] in _audit_keys.values():
        raise ImproperlyConfigured("PORTAL_AUDIT_KEYS must be set in production (DEBUG is off).")
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (DEBUG is off).")
    if not PORTAL_ENCRYPTION_KEYS or _DEV_ENCRYPTION_KEY in PORTAL_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEYS must be set in production (DEBUG is off)."
        )
    for _key in PORTAL_ENCRYPTION_KEYS:
        try:
            Fernet(_key)
        except (ValueError, TypeError):
            # Found now, not when the first secret is saved; the key itself is never printed.
            raise ImproperlyConfigured(
                "PORTAL_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                "(make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The absolute address people reach the portal at; used for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin, with the portal's access rule
    # Before django.contrib.auth, so that its changepassword (which records who set the
    # password) replaces Django's.
    "portal.overrides",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal",
    "staffimport",
    "declarations",
    "groups",
    "incidents",
    "socialmedia",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Django 5.2 sends no Permissions-Policy of its own; see PERMISSIONS_POLICY.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the headers to store them (sessions, sign-in attempts).
    "portal.middleware.NulHeaderMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, whose process_view is the first to read the body.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: marks request.user verified once the second step is done.
    "django_otp.middleware.OTPMiddleware",
    # Every 403 as a structured line on "portal.security"; needs the person, so after auth.
    "portal.middleware.ForbiddenLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the person why they were signed out.
    "portal.middleware.SessionLifetimeMiddleware",
    # Someone who has set up a second factor reaches nothing but that step until they use it.
    "portal.middleware.SecondFactorMiddleware",
    "portal.middleware.SessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers a sign-in refused for password spraying with the page saying why; before axes,
    # so that its answer, not axes' account lockout page, is the one seen.
    "portal.middleware.AddressPauseMiddleware",
    # Last, so a locked-out login is answered after everything else has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.portal",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database has the worker's sweeps and the web server writing at once. WAL lets
    # readers and one writer work together; IMMEDIATE takes the write lock when a transaction
    # begins, so a transaction that read first never fails upgrading to a write ("database is
    # locked", which no busy timeout can cure); the timeout makes a writer wait its turn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process in production (Redis), so that a value one process drops from it (the
# organisation settings, when they change) is dropped for all. The embedded default is each
# process's own memory: what it holds is kept briefly, so another process sees a change soon.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-in from an address that failed against many accounts (password spraying).
    "portal.backends.AddressPauseBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through the organisation's identity provider (portal/oidc/): only the provider's
    # callback page uses it; listed so that its sessions are recognised on later pages.
    "portal.oidc.backend.IdentityProviderBackend",
    # The Django admin's model pages open to the System administrator role (see the module).
    "portal.backends.SystemAdministratorBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link is good for two hours

# Sessions (OWASP ASVS level 2): 30 minutes idle, 12 hours at most since sign-in.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The idle limit runs from the session's last save. Saving on every page would be a database
# write per request; instead portal.sessions.session_seen stamps the session (so it is saved, and
# its expiry pushed on) at most once a minute, so the limit holds to within a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# Lockout: by username and IP together, so one person's typos never lock out a building.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password spraying (portal/sign_in_limits.py): an address that failed against this many
# different accounts within the window is paused; from SLOW_AFTER accounts it is slowed.
PORTAL_SPRAY_ACCOUNTS = env.int("PORTAL_SPRAY_ACCOUNTS", default=10)
PORTAL_SPRAY_SLOW_AFTER = env.int("PORTAL_SPRAY_SLOW_AFTER", default=5)
PORTAL_SPRAY_SLOW_SECONDS = env.int("PORTAL_SPRAY_SLOW_SECONDS", default=10)
PORTAL_SPRAY_WINDOW = timedelta(minutes=env.int("PORTAL_SPRAY_WINDOW_MINUTES", default=15))
# How many proxies in front of the portal append to X-Forwarded-For (0: none, the header is
# ignored). The lockout and the audit trail read the client address the same way.
PORTAL_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portal.access.client_ip"
# Sign-in ignores the case of the email address, so the failure count must too.
AXES_USERNAME_CALLABLE = "portal.access.lockout_username"

# The second step of sign-in (django-otp): an authenticator app's six-digit code, or a
# single-use recovery code. django-otp's own throttle (a growing delay after each wrong code)
# is off: it refuses even a right code during the delay, with no way to say so. The portal locks
# the second step instead, as the first: this many wrong codes in a row, then a cool-off.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0


def _totp_issuer(device) -> str:
    # What the authenticator app calls the entry: the organisation's short name. Imported late:
    # settings load before the apps do.
    from portal.services.second_factor import issuer_name

    return issuer_name()


OTP_TOTP_ISSUER = _totp_issuer
SECOND_FACTOR_FAILURE_LIMIT = env.int("SECOND_FACTOR_FAILURE_LIMIT", default=5)
SECOND_FACTOR_COOLOFF = timedelta(minutes=env.int("SECOND_FACTOR_COOLOFF_MINUTES", default=15))
SECOND_FACTOR_RECOVERY_CODES = 10

# Sign-in with the organisation's identity provider (OpenID Connect, e.g. Microsoft Entra ID;
# mozilla-django-oidc). Off unless OIDC_ISSUER is set: then the sign-in page offers it above
# the password form, which stays for break-glass accounts. The provider's addresses are read
# from <issuer>/.well-known/openid-configuration when first needed (portal/oidc/config.py).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
# Read as-is, like SECRET_KEY: a secret may start with "$".
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ALLOWED_DOMAINS = [
    domain.strip().lstrip("@").lower()
    for domain in env.list("OIDC_ALLOWED_DOMAINS", default=[])
    if domain.strip()
]
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your work account")
# HR's import makes accounts; the provider knows everyone in the tenant, who may not all be
# meant to use the portal. Only an organisation that says so gets accounts made at sign-in.
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=False)
# Whether the provider's own multi-factor sign-in (its `amr` claim) counts as the portal's
# second step. The organisation decides: it depends on how its provider is set up.
OIDC_MFA_SATISFIES_SECOND_FACTOR = env.bool("OIDC_MFA_SATISFIES_SECOND_FACTOR", default=False)
# How recent a sign-in at the provider must be to stand in for re-entering a password.
OIDC_REAUTH_MAX_AGE_SECONDS = env.int("OIDC_REAUTH_MAX_AGE_SECONDS", default=300)
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET and OIDC_ALLOWED_DOMAINS):
    raise ImproperlyConfigured(
        "OIDC_ISSUER is set: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_ALLOWED_DOMAINS "
        "must be set too."
    )
# mozilla-django-oidc's own settings, fixed: ID tokens signed with RS256 and checked against
# the provider's published keys, PKCE on the code exchange, and a time limit on each call.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates and times are written one way everywhere (portal/formats/en_GB/formats.py). The locale's
# formats win over settings of the same name, so the module is where they are set; the settings
# repeat them for code that runs with no language active.
FORMAT_MODULE_PATH = ["portal.formats"]
DATE_FORMAT = _formats.DATE_FORMAT
DATETIME_FORMAT = _formats.DATETIME_FORMAT
TIME_FORMAT = _formats.TIME_FORMAT
SHORT_DATE_FORMAT = _formats.SHORT_DATE_FORMAT
SHORT_DATETIME_FORMAT = _formats.SHORT_DATETIME_FORMAT

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are only ever served through an authorising view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Where verify_audit keeps the head of the last clean check: outside the database, so that
# rows removed from the end of the trail show. Best on storage the database's users cannot write.
PORTAL_AUDIT_HEAD_FILE = Path(
    env.str("PORTAL_AUDIT_HEAD_FILE", default=str(VAR_DIR / "audit-head.json"))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PORTAL_MAX_UPLOAD_BYTES = env.int("PORTAL_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# The largest request body a page takes, refused from its Content-Length before it is read: a
# file of PORTAL_MAX_UPLOAD_BYTES and the form around it. Pages made for larger files (the staff
# import) say so themselves (portal/lib/request_size.py).
PORTAL_MAX_REQUEST_BYTES = env.int(
    "PORTAL_MAX_REQUEST_BYTES", default=PORTAL_MAX_UPLOAD_BYTES + 1024 * 1024
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default; production sets e.g. EMAIL_URL=smtp+tls://user:pass@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A mail server that hangs must not hold an outbox claim for ever (see CLAIM_FOR).
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="compliance-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: configured here with the CELERY_ namespace (see portal/celery.py).
# "localhost" only names the machine: the filesystem broker needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 1,
    }
else:
    # ETA tasks longer than this run twice on Redis; we never schedule any that long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# The beat schedule, in one place. Beat only ever triggers idempotent sweeps: each sweep finds
# what is due (`due_at <= now`) and claims it, so a beat that was down catches up once.
CELERY_BEAT_SCHEDULE = {
    # Every minute: re-queue outbox messages left undelivered (broker down, worker killed), so
    # a lost delivery waits a minute or two, never for ever.
    "outbox-sweep": {"task": "portal.tasks.notifications_sweep_task", "schedule": 60.0},
    # Every five minutes: declaration reminders and escalations that have fallen due, and
    # newcomers to an open campaign's audience; reminders are never more than minutes late.
    "declarations-sweep": {
        "task": "declarations.tasks.declarations_sweep_task",
        "schedule": 300.0,
    },
    # Every five minutes: repeating annual campaigns. Next year's is prepared (and policy
    # administrators told) 28 days before it opens; a prepared one opens within minutes of its
    # opening time, as the declarations sweep asks its audience within minutes too.
    "campaign-repeats-sweep": {
        "task": "declarations.tasks.campaign_repeats_sweep_task",
        "schedule": 300.0,
    },
    # Hourly: policy owners reminded of review dates coming and passed; a review date is a
    # day, so an hour's delay is well inside it.
    "policy-reviews-sweep": {
        "task": "declarations.tasks.policy_reviews_remind_task",
        "schedule": 3600.0,
    },
    # Every ten minutes: open campaigns' weekly summaries to their named senior people, due
    # each Monday at 08:00 UK time (the sweep compares instants, so it is at most minutes late).
    "declarations-summaries": {
        "task": "declarations.tasks.campaign_summaries_send_task",
        "schedule": 600.0,
    },
    # Every five minutes: chat-group clear-downs. A period opens at a set local time, so members
    # are prompted within minutes of it; the same sweep sends reminders and tells the DPO at
    # their instants. Catching up after an outage records missed periods, never a burst.
    "clear-downs-sweep": {"task": "groups.tasks.clear_downs_sweep_task", "schedule": 300.0},
    # Hourly: people whose leave date has passed are deactivated (leavers), once each; a leave
    # date is a day, so an hour's delay is well inside it.
    "leavers-sweep": {"task": "portal.tasks.users_deactivate_leavers_task", "schedule": 3600.0},
    # Hourly: expired sessions are deleted (Django leaves them until clearsessions), so the
    # session table and each person's list of sessions hold only what can still be used.
    "sessions-sweep": {"task": "portal.tasks.sessions_clear_expired_task", "schedule": 3600.0},
    # Daily: records past their retention period are disposed of. The cut-off is worked out
    # from the time of each run, so a run missed or repeated disposes of nothing twice.
    "retention-sweep": {"task": "portal.tasks.retention_dispose_task", "schedule": 86400.0},
    # Every fifteen minutes: hold notices on chat groups nobody has acknowledged are reminded
    # (after a day) and escalated to the line manager (two days later). Deleting after a request
    # arrives is an offence, so a notice left unread is chased within the quarter hour.
    "groups-hold-notices-sweep": {
        "task": "groups.tasks.hold_notices_sweep_task",
        "schedule": 900.0,
    },
    # Every six hours: chat-group admins reminded of a review falling due, and the DPO told of
    # one overdue, once each per review date. Reviews are months apart, so a few hours' delay
    # is nothing, and four runs a day mean a restart never makes one a day late.
    "chat-group-reviews-sweep": {
        "task": "groups.tasks.chat_group_reviews_remind_task",
        "schedule": 21600.0,
    },
    # Every five minutes: the incident clocks. The ICO must be told within 72 hours, so the DPO
    # and deputy hear within minutes when a report waits for triage, when a breach's deadline
    # nears (at the organisation's alert points) and when it passes; owners of breach actions
    # are reminded when an action falls due. Catching up after an outage sends each incident
    # its latest alert only, never a burst.
    "incident-clocks-sweep": {
        "task": "incidents.tasks.incident_clocks_sweep_task",
        "schedule": 300.0,
    },
    # Hourly: files kept for a person while they put a failed report form right, not used
    # within a day, are deleted with their stored files (incidents).
    "incident-pending-uploads-sweep": {
        "task": "incidents.tasks.pending_uploads_sweep_task",
        "schedule": 3600.0,
    },
    # ---- Reviews and reminders ----
    # Every fifteen minutes: social media passwords due for a change since a team changed are
    # chased (owner and Chief Executive, every few days), owners reminded of reviews due and the
    # Chief Executive told of reviews overdue. Reminders are days apart, so a quarter hour's
    # delay is nothing; each is sent once, and after an outage only the latest.
    "social-media-sweep": {
        "task": "socialmedia.tasks.social_media_sweep_task",
        "schedule": 900.0,
    },
}

# Content security policy without unsafe-inline: scripts need the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features no page of the portal uses, refused to every page and anything it frames, so
# an injected script cannot turn on a camera or microphone or read where someone is. Passkeys
# (publickey-credentials-*) and copying to the clipboard are left to the browser's default.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Transport security; the intranet sits behind a TLS-terminating proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# HSTS preload is a decision for the organisation's domain owners, not for this application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Sign-ins, failures, lockouts, refusals and second-factor events, one JSON line each
        # (portal/lib/security_log.py); kept at INFO whatever LOG_LEVEL says.
        "portal.security": {"level": "INFO"},
    },
}
FORMS_URLFIELD_ASSUME_HTTPS = True  # transitional setting until Django 6
