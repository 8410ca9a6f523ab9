"""Secrets read at start-up from AWS Systems Manager Parameter Store (a SecureString),
so that none of them is written in zappa_settings.json or the Lambda package."""

from django.core.exceptions import ImproperlyConfigured


def ssm_parameter(name, *, region):
    """The decrypted value of an SSM parameter. The endpoint and credentials are the AWS
    SDK's own (AWS_ENDPOINT_URL[_SSM], the Lambda role); failure stops the start-up."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = boto3.client("ssm", region_name=region)
        return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except (BotoCoreError, ClientError) as error:
        raise ImproperlyConfigured(f"Could not read the SSM parameter {name}: {error}") from error
