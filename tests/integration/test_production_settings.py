"""Production settings, loaded in a fresh process as Lambda or gunicorn would load them."""

import subprocess
import sys

import boto3
import pytest
from django.conf import settings

from tests.lambda_harness import ROOT

SECRET = "production-settings-test-" + "s3cr3t-K3y-" * 5


def run_django(code, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(ROOT),
        "DEFAULT_FROM_EMAIL": "shop@example.com",
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.production",
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={**base, **env}
    )


def run_manage(*args, **env):
    base = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "DEFAULT_FROM_EMAIL": "shop@example.com"}
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=cloudshelf.settings.production"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **env},
    )


def test_check_deploy_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_refuses_to_start_without_a_secret_key():
    result = run_django("import django; django.setup()", DJANGO_ALLOWED_HOSTS="shop.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_refuses_to_start_without_allowed_hosts():
    result = run_django("import django; django.setup()", DJANGO_SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def ssm():
    return boto3.client(
        "ssm",
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    )


def emulator_env(**env):
    return {
        "AWS_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "localaws",
        "AWS_SECRET_ACCESS_KEY": "localaws",
        "AWS_DEFAULT_REGION": "us-east-1",
        **env,
    }


def test_reads_the_secret_key_from_ssm_at_start(tables):
    ssm().put_parameter(
        Name="/cloudshelf/test/django-secret-key", Type="SecureString", Value=SECRET
    )
    result = run_django(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY == " + repr(SECRET) + ")",
        **emulator_env(
            DJANGO_SECRET_KEY_PARAMETER="/cloudshelf/test/django-secret-key",
            DJANGO_ALLOWED_HOSTS="shop.example.com",
        ),
    )
    assert result.stdout.strip() == "True", result.stderr


def test_refuses_to_start_when_the_secret_parameter_cannot_be_read(tables):
    result = run_django(
        "import django; django.setup()",
        **emulator_env(
            DJANGO_SECRET_KEY_PARAMETER="/cloudshelf/test/missing", DJANGO_ALLOWED_HOSTS="x"
        ),
    )
    assert result.returncode != 0
    assert "Could not read the SSM parameter /cloudshelf/test/missing" in result.stderr


def test_reads_every_secret_in_one_ssm_call_and_a_missing_stripe_key_only_turns_payments_off(
    tables,
):
    for name, value in (("django-secret-key", SECRET), ("stripe-secret", "sk_test_from_ssm")):
        ssm().put_parameter(
            Name=f"/cloudshelf/test/{name}", Type="SecureString", Value=value, Overwrite=True
        )
    result = run_django(
        "from cloudshelf.botocore_session import botocore_session; calls = []; "
        "botocore_session().register('before-call.ssm', lambda **kw: calls.append(kw['model'].name)); "
        "import django; django.setup(); from django.conf import settings as s; "
        "print(calls, s.SECRET_KEY == " + repr(SECRET) + ", s.STRIPE_SECRET_KEY, "
        "repr(s.STRIPE_WEBHOOK_SECRET))",
        **emulator_env(
            DJANGO_SECRET_KEY_PARAMETER="/cloudshelf/test/django-secret-key",
            STRIPE_SECRET_KEY_PARAMETER="/cloudshelf/test/stripe-secret",
            STRIPE_WEBHOOK_SECRET_PARAMETER="/cloudshelf/test/stripe-webhook-missing",
            DJANGO_ALLOWED_HOSTS="shop.example.com",
        ),
    )
    assert result.stdout.split() == ["['GetParameters']", "True", "sk_test_from_ssm", "''"], (
        result.stderr
    )
    assert (
        "card payments are off: Could not read the SSM parameter "
        "/cloudshelf/test/stripe-webhook-missing: not found" in result.stderr
    )


def test_points_dynamodb_and_s3_at_the_configured_endpoint_with_sdk_credentials():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.core.files.storage import default_storage as d; "
        "print(s.DYNAMODB_ENDPOINT_URL, s.LOCALAWS, s.AWS_ACCESS_KEY_ID, "
        "d.endpoint_url, d.access_key)",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="x",
        AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:1",
        AWS_ENDPOINT_URL_S3="http://127.0.0.1:2",
    )
    assert result.stdout.split() == [
        "http://127.0.0.1:1",
        "None",
        "None",
        "http://127.0.0.1:2",
        "None",
    ], result.stderr


@pytest.mark.parametrize(
    "setting, value",
    [
        ("DEBUG", "False"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("X_FRAME_OPTIONS", "DENY"),
        ("SECURE_CONTENT_TYPE_NOSNIFF", "True"),
        ("SECURE_REFERRER_POLICY", "same-origin"),
        ("CSRF_TRUSTED_ORIGINS", "['https://d111.cloudfront.net']"),
    ],
)
def test_production_security_setting(setting, value):
    result = run_django(
        f"import django; django.setup(); from django.conf import settings; "
        f"print(settings.{setting})",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="x",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://d111.cloudfront.net",
    )
    assert result.stdout.strip() == value, result.stderr
