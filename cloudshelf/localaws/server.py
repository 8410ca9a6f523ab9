"""A local AWS (DynamoDB and S3) for development and tests, built on moto's server.

moto alone is not trustworthy enough to develop a store against, so this wraps it:

* requests are served one at a time, so transactions and conditional writes are atomic
  with respect to each other (moto's TransactWriteItems is not thread-safe);
* its data is saved to a folder and restored at start, so it survives restarts;
* expired TTL items are deleted, as DynamoDB would (eventually) do;
* tables keep their DynamoDB Streams across a restart (restored items are not replayed as
  new records: the stream starts empty, as after a table restore in AWS);
* ``POST /__localaws__/truncate`` empties every table and bucket in one call (the test
  suite's reset between tests), without stream records, and trims the streams.

Run it alone with ``python -m cloudshelf.localaws --port 9566 --data-dir .localaws``.
"""

import argparse
import base64
import io
import json
import logging
import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import boto3
from botocore.config import Config
from moto.dynamodb.models import dynamodb_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from cloudshelf.localaws import (
    fast_items,
    fast_query,
    fast_serialize,
    partition_query,
    transact_undo,
)
from cloudshelf.localaws.keepalive import KeepAliveHandler
from cloudshelf.localaws.snapshot import EVERYTHING, SavedStore, written_tables

partition_query.install()
fast_serialize.install()
fast_items.install()
transact_undo.install()

log = logging.getLogger("cloudshelf.localaws")

ACCOUNT_ID = "123456789012"
HEALTH_PATH = "/__localaws__/health"
TRUNCATE_PATH = "/__localaws__/truncate"
SNAPSHOT_FILE = "snapshot.json"
READ_ACTIONS = ("Get", "Query", "Scan", "BatchGet", "Describe", "List", "TransactGet")


def _note_write(environ, saved):
    """Note in ``saved`` what a request may change of the saved store (reading a DynamoDB
    write's body for its tables, and putting the body back for moto)."""
    if environ.get("PATH_INFO", "").startswith("/moto-api/"):
        if environ.get("REQUEST_METHOD") != "GET":
            saved.everything_written()
        return
    target = environ.get("HTTP_X_AMZ_TARGET")
    if not target:  # S3 (the only saved service without a target header)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD", "OPTIONS"):
            saved.s3_written()
        return
    service, action = target.rsplit(".", 1) if "." in target else (target, "")
    if not service.startswith("DynamoDB_") or action.startswith(READ_ACTIONS):
        return  # a read, or a service the snapshot does not keep (Cognito, SSM, streams)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    saved.tables_written(written_tables(body) if body else EVERYTHING)


class SerializedApp:
    """Runs one request at a time and notes whether anything may have changed."""

    def __init__(self, app, lock, on_health, on_truncate, saved):
        self.app = app
        self.lock = lock
        self.on_health = on_health
        self.on_truncate = on_truncate
        self.saved = saved

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH:
            if not self.on_health(parse_qs(environ.get("QUERY_STRING", ""))):
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"stopping"]
            body = json.dumps({"service": "cloudshelf-localaws", "pid": os.getpid()}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if environ.get("PATH_INFO") == TRUNCATE_PATH and environ["REQUEST_METHOD"] == "POST":
            with self.lock:
                body = json.dumps(self.on_truncate()).encode()
                self.saved.everything_written()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        with self.lock:
            _note_write(environ, self.saved)
            fast = fast_query.answer(environ)
            if fast:
                status, headers, body = fast
                start_response(status, headers)
                return [body]
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        return [body]


class LocalAWS:
    def __init__(
        self,
        host,
        port,
        data_dir=None,
        parent_pid=None,
        region="us-east-1",
        save_interval=1.0,
        ttl_interval=30.0,
    ):
        self.host, self.port, self.region = host, port, region
        self.data_dir = Path(data_dir) if data_dir else None
        # Processes using the emulator; it stops when the last one has gone. A standalone
        # emulator (no parent) runs until it is stopped.
        self.owners = {parent_pid} if parent_pid else set()
        self.owners_lock = threading.Lock()
        self.save_interval, self.ttl_interval = save_interval, ttl_interval
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        moto_app = DomainDispatcherApplication(create_backend_app)
        # An unserialized twin on an ephemeral port, used only by this process while it
        # holds the lock: restoring, saving S3 objects and sweeping TTL items.
        self.internal = make_server(
            "127.0.0.1", 0, moto_app, threaded=True, request_handler=MotoRequestHandler
        )
        self.saved = SavedStore()
        self.save_lock = threading.Lock()  # the background saver's and the final save
        self.app = SerializedApp(moto_app, self.lock, self._health, self.truncate, self.saved)
        self.public = None

    # -- clients on the internal twin -----------------------------------------------
    def _client(self, service):
        return boto3.client(
            service,
            region_name=self.region,
            endpoint_url=f"http://127.0.0.1:{self.internal.server_port}",
            aws_access_key_id="localaws",
            aws_secret_access_key="localaws",
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    # -- persistence ------------------------------------------------------------------
    def save(self):
        if not self.data_dir:
            return
        with self.save_lock:
            with self.lock:
                tables = list(dynamodb_backends[ACCOUNT_ID][self.region].tables.values())
                parts = self.saved.collect(tables, lambda: self._client("s3"))
            text = self.saved.text(*parts)
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.data_dir / (SNAPSHOT_FILE + ".tmp")
            tmp.write_text(text)
            os.replace(tmp, self.data_dir / SNAPSHOT_FILE)

    def restore(self):
        path = self.data_dir / SNAPSHOT_FILE if self.data_dir else None
        if not path or not path.exists():
            return
        data = json.loads(path.read_text())
        dynamodb, s3 = self._client("dynamodb"), self._client("s3")
        for table in data["dynamodb"]:
            spec = {k: table[k] for k in ("TableName", "KeySchema", "AttributeDefinitions")}
            if table["GlobalSecondaryIndexes"]:
                spec["GlobalSecondaryIndexes"] = table["GlobalSecondaryIndexes"]
            dynamodb.create_table(BillingMode="PAY_PER_REQUEST", **spec)
            if table["Ttl"]:
                dynamodb.update_time_to_live(
                    TableName=table["TableName"],
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": table["Ttl"]},
                )
            items = table["Items"]
            for start in range(0, len(items), 25):
                requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                dynamodb.batch_write_item(RequestItems={table["TableName"]: requests})
            if table.get("Stream"):  # after the items: they are not new changes
                dynamodb.update_table(
                    TableName=table["TableName"],
                    StreamSpecification={
                        "StreamEnabled": True,
                        "StreamViewType": table["Stream"]["StreamViewType"],
                    },
                )
        for bucket in data["s3"]:
            s3.create_bucket(Bucket=bucket["Name"])
            for obj in bucket["Objects"]:
                s3.put_object(
                    Bucket=bucket["Name"],
                    Key=obj["Key"],
                    ContentType=obj["ContentType"],
                    Body=base64.b64decode(obj["Body"]),
                )
        log.info(
            "restored %d tables and %d buckets from %s",
            len(data["dynamodb"]),
            len(data["s3"]),
            path,
        )

    def truncate(self):
        """Delete every item and object, keeping tables, indexes, TTL, streams and buckets.
        Stream records are dropped too, and their sequence numbers keep rising, so a reader's
        next record is the first one written after this. Call with the lock held."""
        backend = dynamodb_backends[ACCOUNT_ID][self.region]
        items = 0
        for table in backend.tables.values():
            items += len(table)
            table.items.clear()
            shard = table.stream_shard
            if shard is not None:
                shard.starting_sequence_number += len(shard.items)
                shard.items = []
        s3, objects = self._client("s3"), 0
        for bucket in s3.list_buckets().get("Buckets", []):
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
                keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
                if keys:
                    s3.delete_objects(Bucket=bucket["Name"], Delete={"Objects": keys})
                    objects += len(keys)
        return {"items": items, "objects": objects}

    # -- TTL --------------------------------------------------------------------------
    def sweep_expired(self, now=None):
        """Delete items whose TTL attribute lies in the past; returns how many."""
        now = int(now if now is not None else time.time())
        dynamodb, deleted = self._client("dynamodb"), 0
        with self.lock:
            backend = dynamodb_backends[ACCOUNT_ID][self.region]
            for table in list(backend.tables.values()):
                if table.ttl.get("TimeToLiveStatus") != "ENABLED":
                    continue
                attr = table.ttl["AttributeName"]
                keys = [a for a in (table.hash_key_attr, table.range_key_attr) if a]
                for item in list(table.all_items()):
                    value = item.attrs.get(attr)
                    if value is not None and value.type == "N" and float(value.value) < now:
                        key = {k: item.attrs[k].to_json() for k in keys}
                        dynamodb.delete_item(TableName=table.name, Key=key)
                        self.saved.tables_written({table.name})
                        deleted += 1
        return deleted

    # -- lifecycle --------------------------------------------------------------------
    def _health(self, query):
        with self.owners_lock:
            if self.stopping.is_set():
                return False
            for pid in query.get("owner", []):
                if self.owners and pid.isdigit():
                    self.owners.add(int(pid))
            return True

    def _owners_gone(self):
        with self.owners_lock:
            if not self.owners:
                return False
            self.owners = {pid for pid in self.owners if _alive(pid)}
            if not self.owners:
                self.stopping.set()
                return True
            return False

    def _background(self):
        last_sweep = time.monotonic()
        while not self.stopping.wait(self.save_interval):
            if self._owners_gone():
                log.info("every process using it has gone; stopping")
                self.stop()
                return
            if time.monotonic() - last_sweep >= self.ttl_interval:
                last_sweep = time.monotonic()
                self.sweep_expired()
            if self.saved.changed:
                self.save()

    def serve_forever(self):
        threading.Thread(target=self.internal.serve_forever, daemon=True).start()
        self.restore()
        self.public = self._bind()
        threading.Thread(target=self._background, daemon=True).start()
        log.info(
            "local AWS listening on http://%s:%s (data: %s)",
            self.host,
            self.public.server_port,
            self.data_dir or "memory only",
        )
        self.public.serve_forever()
        self.save()

    def _bind(self, attempts=50):
        # A previous emulator may still be saving and closing its port: wait for it.
        for attempt in range(attempts):
            try:
                return make_server(
                    self.host,
                    self.port,
                    self.app,
                    threaded=True,
                    request_handler=KeepAliveHandler,
                )
            except OSError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2)

    def stop(self, *_):
        self.stopping.set()
        if self.public:
            threading.Thread(target=self.public.shutdown, daemon=True).start()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m cloudshelf.localaws",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9566)
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder that keeps the data across restarts (default: memory only)",
    )
    parser.add_argument("--parent-pid", type=int, default=None, help="stop when this process ends")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    parser.add_argument("--ttl-interval", type=float, default=30.0)
    args = parser.parse_args(argv)
    # moto's Cognito checks TOTP codes only when asked to (its secret is fixed).
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    logging.basicConfig(level=logging.INFO, format="[localaws] %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = LocalAWS(
        args.host,
        args.port,
        args.data_dir,
        args.parent_pid,
        args.region,
        ttl_interval=args.ttl_interval,
    )
    signal.signal(signal.SIGTERM, server.stop)
    signal.signal(signal.SIGINT, server.stop)
    server.serve_forever()
