"""Django's email backend on Amazon SES: the Lambda role may send from one verified
identity (deploy/app.yaml), and no SMTP password has to be kept anywhere."""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SesEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        # The SDK's endpoint and credentials unless settings name them (the tests' emulator).
        client = boto3.client("ses", region_name=settings.AWS_REGION,
                              endpoint_url=getattr(settings, "SES_ENDPOINT_URL", None),
                              aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
                              aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                client.send_raw_email(
                    Source=message.from_email, Destinations=message.recipients(),
                    RawMessage={"Data": message.message().as_bytes(linesep="\r\n")})
            except (BotoCoreError, ClientError):
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent
