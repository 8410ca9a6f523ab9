"""The site as Lambda runs it: Zappa's handler, API Gateway events, production settings,
the emulator for DynamoDB, S3 and SSM. No AWS.

Each behaviour is checked the three ways a visitor reaches the site: the API Gateway URL
(paths carry /production), a custom domain, and CloudFront (which calls API Gateway's host
and forwards the visitor's)."""

import gzip
import json
import re
import subprocess
import sys

import boto3
import pytest
from django.conf import settings

from store.catalog import summary
from store.catalog.covers import cover_key, generated_cover
from tests.conftest import PASSWORD
from tests.lambda_harness import API_HOST, ROOT, LambdaProcess, SiteView, zappa_settings_module

STAGE = "production"
CUSTOM_DOMAIN = "shop.example.com"
CLOUDFRONT_DOMAIN = "d111111abcdef8.cloudfront.net"
SECRET_PARAMETER = "/cloudshelf/production/django-secret-key"


def stage_environment():
    return json.loads((ROOT / "zappa_settings.json").read_text())[STAGE]["environment_variables"]


def aws_client(service):
    return boto3.client(
        service,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    )


@pytest.fixture(scope="module")
def lambda_worker(tmp_path_factory):
    """A cold-started Lambda: production settings, its secret key from SSM."""
    work = tmp_path_factory.mktemp("lambda")
    allowed = stage_environment()["DJANGO_ALLOWED_HOSTS"]
    zappa_settings_module(
        work,
        stage=STAGE,
        environment={
            "DJANGO_ALLOWED_HOSTS": f"{allowed},{CUSTOM_DOMAIN},{CLOUDFRONT_DOMAIN}",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{CLOUDFRONT_DOMAIN},https://{CUSTOM_DOMAIN}",
        },
    )
    static_root = work / "staticfiles"
    build_env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.production",
        "DJANGO_SECRET_KEY": "collectstatic",
        "DJANGO_ALLOWED_HOSTS": "build",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DEFAULT_FROM_EMAIL": "build@localhost",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=build_env,
        check=True,
    )
    aws_client("ssm").put_parameter(
        Name=SECRET_PARAMETER, Type="SecureString", Overwrite=True, Value="lambda-test-" + "k" * 50
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(work),
        "AWS_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "localaws",
        "AWS_SECRET_ACCESS_KEY": "localaws",
        "AWS_DEFAULT_REGION": "us-east-1",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    worker = LambdaProcess(work, env=env, log_path=work / "lambda.log")
    yield worker
    worker.close()


VIEWS = {
    "api-gateway-url": dict(host=API_HOST, prefix=f"/{STAGE}"),
    "custom-domain": dict(host=CUSTOM_DOMAIN),
    "cloudfront": dict(host=API_HOST, forwarded_host=CLOUDFRONT_DOMAIN),
}


@pytest.fixture(params=list(VIEWS))
def site(request, lambda_worker, tables):
    return SiteView(lambda_worker, name=request.param, stage=STAGE, **VIEWS[request.param])


@pytest.fixture
def covers_bucket(tables):
    name = stage_environment()["COVERS_BUCKET_NAME"]
    aws_client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def book_with_cover(make_book, covers_bucket):
    content = generated_cover("Clean Code", "Robert C. Martin")
    key = cover_key("tech-001", content)
    aws_client("s3").put_object(Bucket=covers_bucket, Key=key, Body=content)
    book = make_book(
        category="Technology",
        book_id="tech-001",
        title="Clean Code",
        author="Robert C. Martin",
        image_key=key,
    )
    summary.catalog_summary_rebuild()
    book.cover_content = content
    return book


def stylesheet_url(html):
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html)[1]


def test_catalog_page_links_follow_the_way_the_site_was_reached(site, book_with_cover):
    response = site.get(site.url("/category/Technology/"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not response.is_base64
    assert f'href="{site.url("/books/Technology/tech-001/")}"' in response.text
    assert re.fullmatch(
        re.escape(site.url("/static/css/site.")) + r"[0-9a-f]{12}\.css",
        stylesheet_url(response.text),
    )


def test_anonymous_catalog_page_is_cacheable_by_cloudfront_and_sets_no_cookie(
    site, book_with_cover
):
    response = site.get(site.url("/"))
    assert response.status == 200
    assert "Clean Code" in response.text
    assert response.headers["cache-control"] == "public, max-age=60, s-maxage=300"
    assert "Cookie" in response.headers["vary"]
    assert response.set_cookies == []


def test_book_page_shows_its_cover_and_the_cover_comes_back_as_base64_jpeg(site, book_with_cover):
    page = site.get(site.url("/books/Technology/tech-001/"))
    assert page.status == 200
    src = re.search(r'<img class="book-detail__cover" src="([^"]+)"', page.text)[1]
    assert src == site.url(f"/media/{book_with_cover.image_key}")
    cover = site.get(src)
    assert cover.status == 200
    assert cover.headers["content-type"] == "image/jpeg"
    assert cover.is_base64
    assert cover.content == book_with_cover.cover_content


def test_static_file_has_a_hashed_name_and_a_year_of_cache(site, tables):
    page = site.get(site.url("/accounts/sign-in/"))
    response = site.get(stylesheet_url(page.text))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/css")
    max_age = int(re.search(r"max-age=(\d+)", response.headers["cache-control"])[1])
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in response.headers["cache-control"]
    assert ":root" in response.text


def test_compressed_static_file_is_sent_as_base64(site, tables):
    page = site.get(site.url("/accounts/sign-in/"))
    response = site.get(stylesheet_url(page.text), headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.is_base64
    assert b":root" in gzip.decompress(response.content)


@pytest.fixture
def shopper(make_user, settings):
    """A user whose password hash production settings can check (tests hash with MD5)."""
    from cloudshelf.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    return make_user(first_name="Grace")


def sign_in_form(site):
    page = site.get(site.url("/accounts/sign-in/"))
    assert page.status == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def test_sign_in_posts_with_its_csrf_token_and_redirects_under_the_same_prefix(site, shopper):
    user = shopper
    token = sign_in_form(site)
    response = site.post(
        site.url("/accounts/sign-in/"),
        {"csrfmiddlewaretoken": token, "email": user.email, "password": PASSWORD},
    )
    assert response.status == 302
    assert response.headers["location"] == site.url("/")
    session_cookie = next(c for c in response.set_cookies if c.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert response.headers["cache-control"] == "private, no-store"


def test_page_after_sign_in_is_personal_and_never_cached(site, shopper):
    user = shopper
    token = sign_in_form(site)
    redirect = site.post(
        site.url("/accounts/sign-in/"),
        {"csrfmiddlewaretoken": token, "email": user.email, "password": PASSWORD},
    )
    page = site.get(redirect.headers["location"])
    assert page.status == 200
    assert "Signed in as Grace" in page.text
    assert page.headers["cache-control"] == "private, no-store"


def test_sign_in_without_the_csrf_token_is_refused(site, shopper):
    user = shopper
    sign_in_form(site)
    response = site.post(
        site.url("/accounts/sign-in/"), {"email": user.email, "password": PASSWORD}
    )
    assert response.status == 403


def test_pages_carry_the_security_headers(site, tables):
    headers = site.get(site.url("/accounts/sign-in/")).headers
    assert headers["strict-transport-security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_server_error_shows_the_500_page_and_logs_the_request_for_cloudwatch(site, tables):
    # A bug's worth of bad data, in an item only the store writes (a console book with bad
    # values is left out instead): the catalog summary's categories as a string.
    aws_client("dynamodb").put_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Item={
            "category": {"S": "~catalog"},
            "book_id": {"S": "summary"},
            "categories": {"S": "x"},
        },
    )
    before = len(site.worker.logs())
    response = site.get(site.url("/"))
    assert response.status == 500
    assert "Something went wrong on our side" in response.text
    assert "Traceback" not in response.text and "Deserialization" not in response.text
    assert f'href="{site.url("/")}"' in response.text
    errors = [
        json.loads(line)
        for line in site.worker.logs()[before:].splitlines()
        if line.startswith("{") and '"ERROR"' in line
    ]
    assert len(errors) == 1
    entry = errors[0]
    assert entry["path"] == site.url("/")
    assert entry["method"] == "GET"
    assert entry["request_id"] == response.raw["request_id"]
    assert entry["apigw_request_id"] == response.event["requestContext"]["requestId"]
    assert "AttributeDeserializationError" in entry["exception"]


def test_home_page_of_an_empty_store_answers(lambda_worker, tables):
    """What `zappa deploy` requests to check a new deployment, before any data."""
    site = SiteView(lambda_worker, name="api", host=API_HOST, prefix=f"/{STAGE}", stage=STAGE)
    assert site.get(site.url("/")).status == 200


def test_zappa_manage_create_tables_checks_the_tables_inside_the_function(lambda_worker, tables):
    before = len(lambda_worker.logs())
    result = lambda_worker.invoke({"manage": "create_tables"})
    assert {k: v for k, v in result.items() if k != "request_id"} == {}  # Zappa's "done"
    output = lambda_worker.logs()[before:]
    assert f"{settings.BOOKS_TABLE_NAME}: already up to date" in output


def test_zappa_manage_seed_catalog_loads_the_catalog_inside_the_function(
    lambda_worker, covers_bucket
):
    from store.catalog.models import Book

    lambda_worker.invoke({"manage": "seed_catalog"})
    assert [b.title for b in Book.query("Technology") if b.book_id == "tech-001"] == ["Clean Code"]
    keys = aws_client("s3").list_objects_v2(Bucket=covers_bucket)["KeyCount"]
    assert keys >= 240


def test_a_host_that_is_not_allowed_gets_400(lambda_worker, tables):
    site = SiteView(lambda_worker, name="unknown", host="evil.example", stage=STAGE)
    assert site.get("/").status == 400


def test_a_forwarded_api_gateway_host_does_not_drop_the_stage_prefix(
    lambda_worker, book_with_cover
):
    site = SiteView(
        lambda_worker,
        name="spoof",
        host=API_HOST,
        prefix=f"/{STAGE}",
        forwarded_host="other.execute-api.us-east-1.amazonaws.com",
        stage=STAGE,
    )
    response = site.get(site.url("/category/Technology/"))
    assert f'href="/{STAGE}/books/Technology/tech-001/"' in response.text
