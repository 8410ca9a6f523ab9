"""Creating the project's DynamoDB tables from its PynamoDB models."""

from django.conf import settings
from django.utils.module_loading import import_string
from pynamodb.attributes import TTLAttribute

from cloudshelf.dynamo import connection


def table_models():
    """One model per table, in settings.DYNAMODB_TABLE_MODELS order."""
    return [import_string(path) for path in settings.DYNAMODB_TABLE_MODELS]


def ttl_attribute_name(model):
    for _name, attribute in model.get_attributes().items():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name
    return None


def stream_missing(client, model):
    """True for a table that should have a stream and has none (created before streams)."""
    if not getattr(model.Meta, "stream_view_type", None):
        return False
    described = client.describe_table(TableName=model.Meta.table_name)["Table"]
    return not described.get("StreamSpecification", {}).get("StreamEnabled")


def tables_create(*, wait=True):
    """Create every missing table with its indexes and TTL. Returns
    ``[(table_name, what_was_done)]``; a second run does nothing and says so."""
    client, results = connection().client, []
    for model in table_models():
        name = model.Meta.table_name
        done = []
        if not model.exists():
            model.create_table(wait=wait)
            done.append("created")
        if stream_missing(client, model):
            client.update_table(
                TableName=name,
                StreamSpecification={
                    "StreamEnabled": True,
                    "StreamViewType": model.Meta.stream_view_type,
                },
            )
            done.append("stream enabled")
        ttl = ttl_attribute_name(model)
        if ttl:
            status = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                client.update_time_to_live(
                    TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
                )
                done.append(f"TTL enabled on {ttl}")
        results.append((name, ", ".join(done) or "already up to date"))
    return results


def covers_bucket_exists():
    """True when the covers bucket (settings.COVERS_BUCKET_NAME) can be reached."""
    from botocore.exceptions import ClientError
    from django.core.files.storage import default_storage

    try:
        default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)
    except ClientError:
        return False
    return True


def covers_bucket_ensure():
    """Create the covers bucket if it is missing (the emulator; CloudFormation in AWS)."""
    from botocore.exceptions import ClientError
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    try:
        client.head_bucket(Bucket=default_storage.bucket_name)
        return False
    except ClientError:
        client.create_bucket(Bucket=default_storage.bucket_name)
        return True
