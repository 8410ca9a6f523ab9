"""Secrets read at start-up from AWS Systems Manager Parameter Store (SecureStrings), so
that none of them is written in zappa_settings.json or the Lambda package."""

from django.core.exceptions import ImproperlyConfigured

MAX_NAMES = 10  # GetParameters' limit


def ssm_parameters(names: dict[str, str], *, region: str) -> dict[str, str]:
    """The decrypted values of SSM parameters, in one GetParameters call: ``names`` maps
    a setting to its parameter's name, the answer maps the settings whose parameter was
    found to its value. The endpoint and credentials are the AWS SDK's own
    (AWS_ENDPOINT_URL[_SSM], the Lambda role); a call that fails raises
    ImproperlyConfigured."""
    from botocore.exceptions import BotoCoreError, ClientError

    from cloudshelf.botocore_session import botocore_session

    if len(names) > MAX_NAMES:
        raise ImproperlyConfigured(f"at most {MAX_NAMES} SSM parameters can be read at start-up")
    try:
        client = botocore_session().create_client("ssm", region_name=region)
        answer = client.get_parameters(Names=sorted(set(names.values())), WithDecryption=True)
    except (BotoCoreError, ClientError) as error:
        listed = ", ".join(sorted(names.values()))
        raise ImproperlyConfigured(
            f"Could not read the SSM parameters {listed}: {error}"
        ) from error
    values = {parameter["Name"]: parameter["Value"] for parameter in answer["Parameters"]}
    return {setting: values[name] for setting, name in names.items() if name in values}
