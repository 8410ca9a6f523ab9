"""Settings shared by every environment. Values come from the environment variables the
seed document lists (table names, region) and the standard AWS SDK variables."""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    return env(name, str(default)).lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-development-key-never-used-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "cloudshelf",
    "django.contrib.staticfiles",
    "django.contrib.messages",
    "accounts",
    "store",
    "store.seo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cloudshelf.observability.RequestContextMiddleware",
    "cloudshelf.security.ContentSecurityPolicyMiddleware",
    "cloudshelf.caching.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cloudshelf.middleware.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "store.cart.middleware.CartCookieMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cloudshelf.middleware.DynamoUnavailableMiddleware",
    "cloudshelf.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "cloudshelf.urls"
# A form posted without its CSRF token (a stale tab, a session that ended) gets the site's
# own page saying what to do, not Django's stock one.
CSRF_FAILURE_VIEW = "cloudshelf.views.csrf_failure"
WSGI_APPLICATION = "cloudshelf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "store.cart.context_processors.cart",
            ],
        },
    },
]

# No SQL database, anywhere: all data lives in DynamoDB through PynamoDB models.
DATABASES = {}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are server-side, in DynamoDB (accounts/sessions.py). They are read only when a
# request carries a session cookie, so anonymous catalog pages read no session at all.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Messages live in a cookie so that anonymous pages never read a session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = env("STATIC_URL", "/static/")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- AWS -----------------------------------------------------------------------------
AWS_REGION = env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1"
BOOKS_TABLE_NAME = env("BOOKS_TABLE_NAME", "cloudshelf-books")
CARTS_TABLE_NAME = env("CARTS_TABLE_NAME", "cloudshelf-carts")
USERS_TABLE_NAME = env("USERS_TABLE_NAME", "cloudshelf-users")
ORDERS_TABLE_NAME = env("ORDERS_TABLE_NAME", "cloudshelf-orders")
SESSIONS_TABLE_NAME = env("SESSIONS_TABLE_NAME", "cloudshelf-sessions")
COVERS_BUCKET_NAME = env("COVERS_BUCKET_NAME", "cloudshelf-covers")

# A configured endpoint always wins (standard AWS SDK variables).
DYNAMODB_ENDPOINT_URL = env("AWS_ENDPOINT_URL_DYNAMODB") or env("AWS_ENDPOINT_URL")
S3_ENDPOINT_URL = env("AWS_ENDPOINT_URL_S3") or env("AWS_ENDPOINT_URL")
# The identity service (accounts/identity/): "builtin" keeps password hashes in the users
# table; "cognito" hands passwords, verification codes, resets and TOTP to a user pool.
IDENTITY_SERVICE = env("CLOUDSHELF_IDENTITY_SERVICE", "builtin")
if IDENTITY_SERVICE not in ("builtin", "cognito"):
    raise ImproperlyConfigured(
        f"CLOUDSHELF_IDENTITY_SERVICE must be builtin or cognito, not {IDENTITY_SERVICE!r}"
    )
COGNITO_ENDPOINT_URL = env("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or env("AWS_ENDPOINT_URL")
# The pool and its app client (no secret): from the stack's outputs in production. Left
# empty with a local endpoint, a pool named COGNITO_USER_POOL_NAME is found or created.
COGNITO_USER_POOL_ID = env("COGNITO_USER_POOL_ID", "")
COGNITO_CLIENT_ID = env("COGNITO_CLIENT_ID", "")
COGNITO_USER_POOL_NAME = env("COGNITO_USER_POOL_NAME", "cloudshelf-users")
# Explicit credentials for the embedded emulator only; otherwise botocore's chain decides.
AWS_ACCESS_KEY_ID = None
AWS_SECRET_ACCESS_KEY = None
# The embedded emulator: None, or {"port", "data_dir", "seed"}; see cloudshelf/apps.py.
LOCALAWS = None

# DynamoDB client behaviour: fail fast (well under Lambda's timeout) and retry throttling
# and transient errors with botocore's standard backoff.
DYNAMODB_CONNECT_TIMEOUT = float(env("DYNAMODB_CONNECT_TIMEOUT", "2"))
DYNAMODB_READ_TIMEOUT = float(env("DYNAMODB_READ_TIMEOUT", "5"))
DYNAMODB_MAX_ATTEMPTS = int(env("DYNAMODB_MAX_ATTEMPTS", "3"))


def s3_storage(endpoint_url=None, access_key=None, secret_key=None):
    options = {
        "bucket_name": COVERS_BUCKET_NAME,
        "region_name": AWS_REGION,
        "endpoint_url": endpoint_url,
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": False,
        "addressing_style": "path" if endpoint_url else None,
    }
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": s3_storage(S3_ENDPOINT_URL),
    "staticfiles": {"BACKEND": "cloudshelf.staticfiles.StaticFilesStorage"},
}


def use_local_aws(port, data_dir=None, seed=False):
    """Settings that point DynamoDB and S3 at the embedded emulator."""
    endpoint = f"http://127.0.0.1:{port}"
    return {
        "LOCALAWS": {"port": port, "data_dir": data_dir, "seed": seed},
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "S3_ENDPOINT_URL": endpoint,
        "COGNITO_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "localaws",
        "AWS_SECRET_ACCESS_KEY": "localaws",
        "STORAGES": {**STORAGES, "default": s3_storage(endpoint, "localaws", "localaws")},
    }


# --- Store rules -----------------------------------------------------------------------
CATALOG_PAGE_SIZE = int(env("CATALOG_PAGE_SIZE", "24"))
LOW_STOCK_THRESHOLD = int(env("LOW_STOCK_THRESHOLD", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"botocore": {"level": "WARNING"}, "pynamodb": {"level": "WARNING"}},
}

# Each DynamoDB table, named by the one PynamoDB model that creates it.
DYNAMODB_TABLE_MODELS = [
    "store.catalog.models.Book",
    "store.cart.models.Cart",
    "accounts.models.User",
    "store.orders.models.Order",
    "accounts.models.Session",
    "accounts.models.Throttle",
    "store.search.models.SearchEntry",
]

# --- The event backbone (cloudshelf/streams/) ---------------------------------------------
# Tables whose changes something derived depends on carry a DynamoDB Stream with both
# images; each record goes to the projections of STREAM_PROJECTIONS that read its table.
STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES"
REVIEWS_TABLE_NAME = env("REVIEWS_TABLE_NAME", "cloudshelf-reviews")
STREAM_TABLE_NAMES = [BOOKS_TABLE_NAME, ORDERS_TABLE_NAME, REVIEWS_TABLE_NAME]
# The projections' own items (their figures, markers, stream positions, dead letters).
PROJECTIONS_TABLE_NAME = env("PROJECTIONS_TABLE_NAME", "cloudshelf-projections")
DYNAMODB_TABLE_MODELS += ["cloudshelf.streams.models.ProjectionItem"]
STREAM_PROJECTIONS = [
    "store.search.projections.search_index",
    "store.catalog.projections.catalog_summary",
    "store.catalog.projections.low_stock",
    "store.catalog.repair.book_numbers",
    "store.orders.projections.daily_sales",
    "store.orders.projections.order_confirmation_email",
    "store.reviews.projections.book_ratings",
    "store.alerts.projections.stock_alerts",
    "store.discovery.projections.discovery_sales",
    "store.discovery.projections.discovery_books",
]
# Locally, a thread in the serving process reads the emulator's streams this often (seconds).
# None: no poller (production reads streams through Lambda; tests deliver explicitly).
STREAM_POLL_INTERVAL = None

# --- Accounts ----------------------------------------------------------------------------
THROTTLES_TABLE_NAME = env("THROTTLES_TABLE_NAME", "cloudshelf-throttles")
# Failed sign-ins (and password-reset requests) are counted per account and per client
# address in fixed windows of THROTTLE_WINDOW_SECONDS; at the limit, the next try is refused
# with a 429 until the window ends.
THROTTLE_WINDOW_SECONDS = int(env("THROTTLE_WINDOW_SECONDS", "900"))
SIGN_IN_THROTTLE_PER_ACCOUNT = int(env("SIGN_IN_THROTTLE_PER_ACCOUNT", "5"))
SIGN_IN_THROTTLE_PER_ADDRESS = int(env("SIGN_IN_THROTTLE_PER_ADDRESS", "30"))
PASSWORD_RESET_THROTTLE_PER_ACCOUNT = int(env("PASSWORD_RESET_THROTTLE_PER_ACCOUNT", "3"))
PASSWORD_RESET_THROTTLE_PER_ADDRESS = int(env("PASSWORD_RESET_THROTTLE_PER_ADDRESS", "10"))
# How many proxies in front of Django append to X-Forwarded-For and can be trusted to.
# 0: the client is REMOTE_ADDR (runserver; Zappa, which already sets REMOTE_ADDR from the
# hop CloudFront adds). N: the client is the Nth address from the right of X-Forwarded-For
# (gunicorn behind one load balancer: 1). Hops further left are whatever the client sent.
CLIENT_IP_TRUSTED_PROXIES = int(env("CLIENT_IP_TRUSTED_PROXIES", "0"))
# A password-reset link works once, and for this long (Django's own setting name).
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", str(60 * 60)))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CloudShelf <no-reply@cloudshelf.localhost>")
# --- Cart, checkout and orders -----------------------------------------------------------
from decimal import Decimal  # noqa: E402

# A cart unused for this many days expires (DynamoDB TTL; expired carts read as empty).
CART_TTL_DAYS = int(env("CART_TTL_DAYS", "30"))
CART_MAX_QUANTITY_PER_LINE = int(env("CART_MAX_QUANTITY_PER_LINE", "10"))
# Lines a shopper may add. Placing an order is one transaction of at most 100 actions (a
# stock update per line, the order, the cart), so checkout refuses more than 98 lines.
CART_MAX_LINES = int(env("CART_MAX_LINES", "30"))
CART_COOKIE_NAME = "cloudshelf_cart"  # signed: the anonymous cart's random id
CART_COUNT_COOKIE_NAME = "cloudshelf_cart_count"  # signed: the header's item count
TAX_RATE = Decimal(env("TAX_RATE", "0.08"))
SHIPPING_FLAT = Decimal(env("SHIPPING_FLAT", "5.99"))
FREE_SHIPPING_THRESHOLD = (
    Decimal(env("FREE_SHIPPING_THRESHOLD")) if env("FREE_SHIPPING_THRESHOLD") else None
)
ORDERS_PAGE_SIZE = int(env("ORDERS_PAGE_SIZE", "10"))

# What the book pages' structured data (store/seo/) says of every edition: the catalog
# keeps no format or language per book, so the store says what it sells.
BOOK_FORMATS = ("AudiobookFormat", "EBook", "GraphicNovel", "Hardcover", "Paperback")
BOOK_FORMAT = env("BOOK_FORMAT", "Paperback")  # one of BOOK_FORMATS (schema.org BookFormatType)
BOOK_LANGUAGE = env("BOOK_LANGUAGE", "en")  # a BCP 47 language tag
if BOOK_FORMAT not in BOOK_FORMATS or not re.fullmatch(
    r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", BOOK_LANGUAGE
):
    raise ImproperlyConfigured(
        f"BOOK_FORMAT must be one of {', '.join(BOOK_FORMATS)} and BOOK_LANGUAGE a language "
        "tag such as en or pt-BR."
    )

# --- Production edge: CDN caching, security headers (deploy) ----------------------------
# A request with the cart's cookie (CART_COOKIE_NAME above) or any cookie whose name starts
# with it is personal (cloudshelf/caching.py).
# Pages CloudFront may keep for everyone, when the request carries no personal cookie
# (cloudshelf/caching.py). Browsers keep them a minute, CloudFront five.
CDN_CACHEABLE_VIEWS = ["store:home", "store:category", "store:book-detail", "store:search"]
CDN_PAGE_CACHE_CONTROL = "public, max-age=60, s-maxage=300"
# The site loads nothing from other origins and uses no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)

# --- Search and the JSON API (store/search/, store/api/) --------------------------------
SEARCH_TABLE_NAME = env("SEARCH_TABLE_NAME", "cloudshelf-search")
SEARCH_PAGE_SIZE = int(env("SEARCH_PAGE_SIZE", "24"))
# Catalog answers of the JSON API may be cached by browsers and CloudFront this long.
API_CACHE_SECONDS = int(env("API_CACHE_SECONDS", "60"))

# --- Staff pages (store/staff) -----------------------------------------------------------
# Every staff change is kept in its own table (hash "subject", range time + id).
AUDIT_TABLE_NAME = env("AUDIT_TABLE_NAME", "cloudshelf-audit")
DYNAMODB_TABLE_MODELS += ["store.audit.models.AuditEntry"]

# --- Reviews and back-in-stock alerts (store/reviews, store/alerts) ----------------------
DYNAMODB_TABLE_MODELS += ["store.reviews.models.Review"]
WISHLISTS_TABLE_NAME = env("WISHLISTS_TABLE_NAME", "cloudshelf-wishlists")
DYNAMODB_TABLE_MODELS += ["store.wishlists.models.WishlistEntry"]
WISHLIST_MAX_BOOKS = int(env("WISHLIST_MAX_BOOKS", "50"))
SAVED_FOR_LATER_MAX_BOOKS = int(env("SAVED_FOR_LATER_MAX_BOOKS", "30"))
REVIEW_TITLE_MAX_LENGTH = 120
REVIEW_TEXT_MAX_LENGTH = 5000
# Reviews the book page shows (kept in the rating summary); the rest are paginated.
REVIEWS_ON_BOOK_PAGE = 5
# Where links in emails sent without a request (the stream's projections) point.
SITE_URL = env("SITE_URL", "http://localhost:8000")
# A confirmation link for a back-in-stock alert is good for this long (seconds).
STOCK_ALERT_CONFIRM_MAX_AGE = 7 * 24 * 3600
# Cover uploads: at most 4 MB (a Lambda request carries 6 MB, base64 adds a third) and
# 4,000 pixels a side.
COVER_MAX_BYTES = int(env("COVER_MAX_BYTES", str(4 * 1024 * 1024)))
COVER_MAX_DIMENSION = int(env("COVER_MAX_DIMENSION", "4000"))
STAFF_PAGE_SIZE = int(env("STAFF_PAGE_SIZE", "50"))
# Discount codes and their uses (store/promotions/): hash "pk", range "sk".
PROMOTIONS_TABLE_NAME = env("PROMOTIONS_TABLE_NAME", "cloudshelf-promotions")
DYNAMODB_TABLE_MODELS += ["store.promotions.models.Promotion"]
# A CSV uploaded from the books page is imported within the request (API Gateway gives a
# request 29 s): keep it small.
IMPORT_UPLOAD_MAX_BYTES = int(env("IMPORT_UPLOAD_MAX_BYTES", str(2 * 1024 * 1024)))
IMPORT_UPLOAD_MAX_ROWS = int(env("IMPORT_UPLOAD_MAX_ROWS", "1000"))

# --- Card payments (store/payments/) -----------------------------------------------------
# Real Stripe only when its keys are configured (production: from SSM, see production.py).
# Without them, local and test settings start localstripe beside the local AWS
# (cloudshelf/localstripe.py) and point these at it.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = None  # None: Stripe's own API
STRIPE_JS_URL = "https://js.stripe.com/v3/"
STRIPE_TIMEOUT = float(env("STRIPE_TIMEOUT", "10"))
LOCALSTRIPE = None  # None, or {"port", "webhook_url"}: see cloudshelf/apps.py
PAYMENT_CURRENCY = env("PAYMENT_CURRENCY", "usd")
# An order left awaiting payment this long releases its stock (the sweep, and the return).
PAYMENT_TIME_LIMIT_MINUTES = int(env("PAYMENT_TIME_LIMIT_MINUTES", "30"))


def use_local_stripe(port, webhook_url=None):
    """Settings that point the payments at the embedded localstripe on ``port``."""
    base = f"http://127.0.0.1:{port}"
    return {
        "LOCALSTRIPE": {"port": port, "webhook_url": webhook_url},
        "STRIPE_API_BASE": base,
        "STRIPE_SECRET_KEY": "sk_test_localstripe",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
        "STRIPE_WEBHOOK_SECRET": "whsec_localstripe",
        "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/",
    }
