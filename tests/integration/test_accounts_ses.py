"""The production email backend (django-ses) really sends, here to the emulator's SES."""

import json
import urllib.request

import boto3
from django.test import Client

SENDER = "shop@example.com"


def ses_raw_messages(endpoint):
    with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=10) as response:
        return json.loads(response.read())["ses"]["RawMessage"]


def test_password_reset_email_goes_out_through_ses(fresh_emulator, make_user, settings):
    endpoint = settings.DYNAMODB_ENDPOINT_URL
    boto3.client(
        "sesv2",
        endpoint_url=endpoint,
        region_name=settings.AWS_REGION,
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    ).create_email_identity(EmailIdentity=SENDER)
    # The production settings' backend and options, pointed at the emulator.
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.USE_SES_V2 = True
    settings.AWS_SES_AUTO_THROTTLE = None
    settings.AWS_SES_REGION_NAME = settings.AWS_REGION
    settings.AWS_SES_REGION_ENDPOINT_URL = endpoint
    settings.DEFAULT_FROM_EMAIL = SENDER
    user = make_user()
    Client().post("/accounts/password-reset/", {"email": user.email})
    sent = ses_raw_messages(endpoint)
    assert len(sent) == 1
    assert sent[0]["source"] == SENDER and user.email in sent[0]["destinations"]
    assert "/accounts/reset/" in sent[0]["raw_data"]
