"""What the emulator saves to its data folder, and which part of it a write has changed.

The store is saved about a second after any write, and the local stream reader writes its
lease twice a second, so saving everything each time (every item of every table and every
cover) kept the emulator busy, with its lock held, for half of every second. Each table and
the buckets are kept here as the JSON text last saved, and only what a write named is
dumped again. Everything here runs with the emulator's lock held, except ``text()``."""

import base64
import json

EVERYTHING = None  # what written_tables() returns when it cannot tell


def written_tables(body):
    """The tables a DynamoDB write request names, or EVERYTHING when it names none (a
    PartiQL statement, say): then the whole store is saved again."""
    try:
        request = json.loads(body)
    except ValueError:
        return EVERYTHING
    names = set()
    if isinstance(request.get("TableName"), str):
        names.add(request["TableName"])
    names.update(request.get("RequestItems") or {})
    for action in request.get("TransactItems") or []:
        for part in action.values():
            names.add(part.get("TableName"))
    names.discard(None)
    return names or EVERYTHING


class SavedStore:
    def __init__(self):
        self._tables = {}  # table name -> JSON text of the table as last saved
        self._objects = {}  # (bucket, key) -> ((ETag, time), the object as last saved)
        self._buckets = None  # JSON text of every bucket as last saved
        self._stale_tables, self._stale_s3, self._stale_all = set(), False, True

    # -- noting what changed ------------------------------------------------------------
    def tables_written(self, names):
        if names is EVERYTHING:
            self.everything_written()
        else:
            self._stale_tables.update(names)

    def s3_written(self):
        self._stale_s3 = True

    def everything_written(self):
        self._stale_all = True

    @property
    def changed(self):
        return self._stale_all or self._stale_s3 or bool(self._stale_tables)

    # -- saving ---------------------------------------------------------------------------
    def collect(self, tables, s3_client):
        """The parts written since the last collect, as Python data: ``tables`` are moto's
        table objects, ``s3_client()`` makes a client on the emulator (only when S3 has been
        written: making one costs more than dumping a small table). Call with the lock held."""
        fresh = {}
        for table in tables:
            if (
                self._stale_all
                or table.name in self._stale_tables
                or table.name not in self._tables
            ):
                fresh[table.name] = _table_dump(table)
        names = [table.name for table in tables]
        buckets = self._bucket_dump(s3_client()) if self._stale_all or self._stale_s3 else None
        self._stale_tables, self._stale_s3, self._stale_all = set(), False, False
        return names, fresh, buckets

    def text(self, names, fresh, buckets):
        """The whole store as JSON, encoding only the parts collect() found fresh."""
        self._tables = {
            name: json.dumps(fresh[name]) if name in fresh else self._tables[name]
            for name in names
        }
        if buckets is not None or self._buckets is None:
            self._buckets = json.dumps(buckets or [])
        tables = ", ".join(self._tables[name] for name in names)
        return f'{{"dynamodb": [{tables}], "s3": {self._buckets}}}'

    def _bucket_dump(self, s3):
        buckets, last_saved, self._objects = [], self._objects, {}
        for bucket in s3.list_buckets().get("Buckets", []):
            name, objects = bucket["Name"], []
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for summary in page.get("Contents", []):
                    key, version = summary["Key"], (summary["ETag"], summary["LastModified"])
                    cached = last_saved.get((name, key))
                    if cached is None or cached[0] != version:  # read only what has changed
                        cached = (version, _object_dump(s3, name, key))
                    self._objects[(name, key)] = cached
                    objects.append(cached[1])
            buckets.append({"Name": name, "Objects": objects})
        return buckets


def _table_dump(table):
    described = table.describe()["TableDescription"]
    return {
        "TableName": table.name,
        "KeySchema": described["KeySchema"],
        "AttributeDefinitions": described["AttributeDefinitions"],
        "GlobalSecondaryIndexes": [
            {k: gsi[k] for k in ("IndexName", "KeySchema", "Projection")}
            for gsi in described.get("GlobalSecondaryIndexes", [])
        ],
        "Ttl": table.ttl.get("AttributeName")
        if table.ttl.get("TimeToLiveStatus") == "ENABLED"
        else None,
        "Stream": table.stream_specification
        if table.stream_specification and table.stream_specification.get("StreamEnabled")
        else None,
        "Items": [item.to_json()["Attributes"] for item in table.all_items()],
    }


def _object_dump(s3, bucket, key):
    obj = s3.get_object(Bucket=bucket, Key=key)
    return {
        "Key": key,
        "ContentType": obj.get("ContentType", "binary/octet-stream"),
        "Body": base64.b64encode(obj["Body"].read()).decode(),
    }
