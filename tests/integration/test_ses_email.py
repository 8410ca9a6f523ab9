"""Production's email backend: Amazon SES (here the emulator's)."""

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core import mail


@pytest.fixture
def ses(settings, tables):
    settings.EMAIL_BACKEND = "cloudshelf.ses.SesEmailBackend"
    settings.SES_ENDPOINT_URL = settings.DYNAMODB_ENDPOINT_URL
    settings.DEFAULT_FROM_EMAIL = "CloudShelf <no-reply@example.com>"
    return boto3.client("ses", endpoint_url=settings.DYNAMODB_ENDPOINT_URL, region_name="us-east-1",
                        aws_access_key_id="localaws", aws_secret_access_key="localaws")


def sent_count(ses):
    return int(ses.get_send_quota()["SentLast24Hours"])


def test_email_is_sent_through_ses(ses):
    ses.verify_domain_identity(Domain="example.com")
    before = sent_count(ses)
    assert mail.send_mail("Reset your password", "Follow the link.", None,
                          ["shopper@example.org"]) == 1
    assert sent_count(ses) > before


def test_email_from_an_unverified_sender_fails_loudly(ses):
    with pytest.raises(ClientError):
        mail.send_mail("Hello", "Body", "someone@unverified.example", ["shopper@example.org"])
