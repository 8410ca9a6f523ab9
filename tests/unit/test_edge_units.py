"""Small pieces of the production edge that need no DynamoDB."""

import json
import logging

import pytest
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils.functional import SimpleLazyObject

from cloudshelf.lambda_app import forwarded_host
from cloudshelf.observability import JsonFormatter, RequestContextFilter, known_user_id


@pytest.fixture
def script_prefix():
    def use(prefix):
        set_script_prefix(prefix)

    yield use
    set_script_prefix("/")


def test_static_url_follows_the_script_prefix_of_the_current_request(script_prefix):
    script_prefix("/production/")
    assert static("css/site.css") == "/production/static/css/site.css"
    script_prefix("/")
    assert static("css/site.css") == "/static/css/site.css"


def test_static_url_and_reverse_agree_under_a_prefix(script_prefix):
    script_prefix("/production/")
    assert reverse("store:cover", args=["covers/a.jpg"]) == "/production/media/covers/a.jpg"
    assert static("img/no-cover.svg").startswith("/production/static/")


@pytest.mark.parametrize(
    "header, expected",
    [
        ("d111111abcdef8.cloudfront.net", "d111111abcdef8.cloudfront.net"),
        ("shop.example.com, proxy.example", "shop.example.com"),
        ("abc.execute-api.us-east-1.amazonaws.com", None),
        ("", None),
    ],
)
def test_forwarded_host_is_taken_unless_it_names_api_gateway(header, expected):
    assert forwarded_host({"HTTP_X_FORWARDED_HOST": header}) == expected


def test_user_id_is_logged_without_reading_the_user():
    request = RequestFactory().get("/")
    reads = []
    request.user = SimpleLazyObject(lambda: reads.append(1))
    assert known_user_id(request) is None
    assert reads == []


def test_log_line_is_one_json_object_with_the_request_and_the_traceback():
    request = RequestFactory().post("/books/x/?token=secret")
    request.META["lambda.context"] = type("Context", (), {"aws_request_id": "lambda-1"})()
    request.META["lambda.event"] = {"requestContext": {"requestId": "apigw-1"}}
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/books/x/",),
            None,
        )
        import sys

        record.exc_info = sys.exc_info()
    record.request = request
    record.status_code = 500
    RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["path"] == "/books/x/"
    assert entry["method"] == "POST"
    assert entry["status_code"] == 500
    assert entry["request_id"] == "lambda-1"
    assert entry["apigw_request_id"] == "apigw-1"
    assert "ValueError: boom" in entry["exception"]
