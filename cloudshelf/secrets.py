"""Secrets read at start-up from AWS Systems Manager Parameter Store (a SecureString),
so that none of them is written in zappa_settings.json or the Lambda package."""

from functools import cache

from django.core.exceptions import ImproperlyConfigured


@cache
def _ssm_client(region):
    # botocore's client is boto3's without importing boto3, which no request needs; one
    # client for the few parameters read at start-up.
    from botocore.session import get_session

    return get_session().create_client("ssm", region_name=region)


def ssm_parameter(name, *, region):
    """The decrypted value of an SSM parameter. The endpoint and credentials are the AWS
    SDK's own (AWS_ENDPOINT_URL[_SSM], the Lambda role); failure stops the start-up."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = _ssm_client(region)
        return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except (BotoCoreError, ClientError) as error:
        raise ImproperlyConfigured(f"Could not read the SSM parameter {name}: {error}") from error
