"""Settings of the bare Django project (benchmarks/bare/)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "bare-benchmark-project-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "benchmarks.bare.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {},
    }
]
DATABASES = {}
USE_TZ = True
USE_I18N = False
WSGI_APPLICATION = "benchmarks.bare.urls.application"
