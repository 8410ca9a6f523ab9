"""A stream record's images come out as the plain values boto3's TypeDeserializer gives,
without importing boto3 in the site's process."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer

from cloudshelf.streams.records import Change

IMAGE = {
    "pk": {"S": "BOOK#tech-001"},
    "price": {"N": "39.99"},
    "big": {"N": "12345678901234567890123456789012345678"},
    "tiny": {"N": "-0.000000000000000000000000000000000001"},
    "in_print": {"BOOL": False},
    "subtitle": {"NULL": True},
    "tags": {"SS": ["python", "craft"]},
    "ratings": {"NS": ["1", "2.5"]},
    "details": {"M": {"pages": {"N": "464"}, "format": {"S": "paperback"}, "x": {"L": []}}},
    "history": {"L": [{"N": "1"}, {"S": "two"}, {"M": {}}, {"BOOL": True}]},
    "empty": {"S": ""},
}


def _change(image):
    record = {
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/cloudshelf-books/stream/x",
        "eventName": "MODIFY",
        "dynamodb": {"SequenceNumber": "1", "Keys": {"pk": image["pk"]}, "NewImage": image},
    }
    return Change.from_record(record)


def test_stream_images_are_the_values_boto3_would_give_with_their_types():
    expected = {name: TypeDeserializer().deserialize(value) for name, value in IMAGE.items()}
    new = _change(IMAGE).new
    assert new == expected
    assert {k: type(v) for k, v in new.items()} == {k: type(v) for k, v in expected.items()}
    assert isinstance(new["ratings"].pop(), Decimal)
    assert isinstance(new["details"]["pages"], Decimal)


def test_the_stream_code_the_staff_dashboard_imports_does_not_import_boto3():
    code = (
        "import sys, django; django.setup(); import cloudshelf.streams.deadletters; "
        "print('boto3' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.test"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_stream_keys_are_plain_values():
    assert _change(IMAGE).keys == {"pk": "BOOK#tech-001"}


def test_stream_image_with_an_unknown_type_is_refused():
    with pytest.raises(TypeError, match="unknown DynamoDB type"):
        _ = _change({"pk": {"S": "x"}, "odd": {"Q": "1"}}).new
