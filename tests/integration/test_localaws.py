"""The embedded local AWS tells the truth: it keeps data across restarts, serializes
concurrent writes, and sweeps expired TTL items."""

import http.client
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

from cloudshelf import localaws

ROOT = Path(__file__).resolve().parents[2]
S3_AUTH = (
    "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=x"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(service, port):
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=localaws.endpoint_for(port),
        aws_access_key_id="t",
        aws_secret_access_key="t",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=30),
    )


class Emulator:
    def __init__(self, data_dir, *extra):
        self.port, self.data_dir, self.extra = free_port(), data_dir, extra
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cloudshelf.localaws",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                *self.extra,
            ],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while not localaws.is_running(self.port):
            assert time.monotonic() < deadline, "emulator did not start"
            assert self.process.poll() is None, "emulator exited"
            time.sleep(0.1)
        return self

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        self.process.wait(timeout=30)


@pytest.fixture
def emulator(tmp_path):
    emulators = []

    def make(*extra):
        emulators.append(Emulator(tmp_path / "data", *extra))
        return emulators[-1]

    yield make
    for e in emulators:
        if e.process and e.process.poll() is None:
            e.process.kill()


def create_stock_table(dynamodb, name="stock"):
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )


def test_data_survives_a_restart(emulator):
    first = emulator().start()
    dynamodb, s3 = client("dynamodb", first.port), client("s3", first.port)
    create_stock_table(dynamodb)
    dynamodb.update_time_to_live(
        TableName="stock", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "book"}, "count": {"N": "7"}})
    s3.create_bucket(Bucket="covers")
    s3.put_object(Bucket="covers", Key="a.jpg", Body=b"jpeg-bytes", ContentType="image/jpeg")
    first.stop()

    second = Emulator(first.data_dir)
    second.port = first.port
    second.start()
    dynamodb, s3 = client("dynamodb", second.port), client("s3", second.port)
    item = dynamodb.get_item(TableName="stock", Key={"id": {"S": "book"}})["Item"]
    assert item["count"] == {"N": "7"}
    assert (
        dynamodb.describe_time_to_live(TableName="stock")["TimeToLiveDescription"]["AttributeName"]
        == "expires_at"
    )
    obj = s3.get_object(Bucket="covers", Key="a.jpg")
    assert obj["Body"].read() == b"jpeg-bytes" and obj["ContentType"] == "image/jpeg"
    second.stop()


def test_data_written_before_a_crash_is_kept_after_the_save_interval(emulator):
    first = emulator().start()
    dynamodb = client("dynamodb", first.port)
    create_stock_table(dynamodb)
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "book"}, "count": {"N": "3"}})
    time.sleep(2.5)  # the emulator saves within about a second of a write
    first.stop(signal.SIGKILL)
    second = Emulator(first.data_dir)
    second.port = first.port
    second.start()
    item = client("dynamodb", second.port).get_item(TableName="stock", Key={"id": {"S": "book"}})[
        "Item"
    ]
    assert item["count"] == {"N": "3"}
    second.stop()


def test_writes_to_several_tables_at_once_are_all_kept_after_the_save_interval(emulator):
    first = emulator().start()
    dynamodb = client("dynamodb", first.port)
    for name in ("stock", "orders", "carts"):
        create_stock_table(dynamodb, name)
    time.sleep(2.5)  # saved once: later saves dump only the tables a write names
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "stock", "Item": {"id": {"S": "book"}}}},
            {"Put": {"TableName": "orders", "Item": {"id": {"S": "order"}}}},
        ]
    )
    dynamodb.batch_write_item(
        RequestItems={"carts": [{"PutRequest": {"Item": {"id": {"S": "cart"}}}}]}
    )
    time.sleep(2.5)
    first.stop(signal.SIGKILL)
    second = Emulator(first.data_dir)
    second.port = first.port
    second.start()
    dynamodb = client("dynamodb", second.port)
    kept = {name: dynamodb.scan(TableName=name)["Items"] for name in ("stock", "orders", "carts")}
    assert kept == {
        "stock": [{"id": {"S": "book"}}],
        "orders": [{"id": {"S": "order"}}],
        "carts": [{"id": {"S": "cart"}}],
    }
    second.stop()


def test_a_connection_is_kept_open_between_requests_and_answers_keep_their_framing(emulator):
    server = emulator().start()
    s3 = client("s3", server.port)
    s3.create_bucket(Bucket="covers")
    s3.put_object(Bucket="covers", Key="a.jpg", Body=b"jpeg-bytes", ContentType="image/jpeg")
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    signed = {"Authorization": S3_AUTH}  # moto reads the caller from it, checks no signature
    answers = []
    for method in ("GET", "HEAD", "GET"):
        connection.request(method, "/covers/a.jpg", headers=signed)
        response = connection.getresponse()
        answers.append((response.status, response.getheader("Content-Length"), response.read()))
        assert not response.will_close
    first_socket = connection.sock
    # A chunked upload is read by werkzeug's own handling, which then closes the connection.
    connection.request(
        "PUT", "/covers/b.jpg", body=iter([b"chunk-1 ", b"chunk-2"]), headers=signed
    )
    response = connection.getresponse()
    response.read()
    assert first_socket is not None and response.status == 200
    assert answers == [
        (200, "10", b"jpeg-bytes"),
        (200, "10", b""),
        (200, "10", b"jpeg-bytes"),
    ]
    assert s3.get_object(Bucket="covers", Key="b.jpg")["Body"].read() == b"chunk-1 chunk-2"
    server.stop()


def test_expired_ttl_items_are_swept(emulator):
    running = emulator("--ttl-interval", "0.5").start()
    dynamodb = client("dynamodb", running.port)
    create_stock_table(dynamodb, "carts")
    dynamodb.update_time_to_live(
        TableName="carts", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    past, future = str(int(time.time()) - 60), str(int(time.time()) + 3600)
    dynamodb.put_item(TableName="carts", Item={"id": {"S": "old"}, "expires_at": {"N": past}})
    dynamodb.put_item(TableName="carts", Item={"id": {"S": "new"}, "expires_at": {"N": future}})
    dynamodb.put_item(TableName="carts", Item={"id": {"S": "none"}})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ids = {i["id"]["S"] for i in dynamodb.scan(TableName="carts")["Items"]}
        if "old" not in ids:
            break
        time.sleep(0.2)
    assert ids == {"new", "none"}
    running.stop()


def test_twenty_concurrent_conditional_decrements_never_oversell(fresh_emulator):
    port = settings.LOCALAWS["port"]
    dynamodb = client("dynamodb", port)
    create_stock_table(dynamodb, "race")
    dynamodb.put_item(TableName="race", Item={"id": {"S": "book"}, "stock": {"N": "7"}})

    def buy(_):
        try:
            dynamodb.update_item(
                TableName="race",
                Key={"id": {"S": "book"}},
                UpdateExpression="SET stock = stock - :one",
                ConditionExpression="stock >= :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            return True
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
            return False

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(buy, range(20)))
    stock = dynamodb.get_item(TableName="race", Key={"id": {"S": "book"}})["Item"]["stock"]
    assert results.count(True) == 7
    assert stock == {"N": "0"}


def test_twenty_concurrent_transactions_never_oversell(fresh_emulator):
    dynamodb = client("dynamodb", settings.LOCALAWS["port"])
    create_stock_table(dynamodb, "race")
    create_stock_table(dynamodb, "orders")
    dynamodb.put_item(TableName="race", Item={"id": {"S": "book"}, "stock": {"N": "5"}})

    def buy(n):
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": "race",
                            "Key": {"id": {"S": "book"}},
                            "UpdateExpression": "SET stock = stock - :one",
                            "ConditionExpression": "stock >= :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                    {
                        "Put": {
                            "TableName": "orders",
                            "Item": {"id": {"S": f"order-{n}"}},
                            "ConditionExpression": "attribute_not_exists(id)",
                        }
                    },
                ]
            )
            return True
        except ClientError as error:
            assert error.response["Error"]["Code"] == "TransactionCanceledException"
            return False

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(buy, range(20)))
    stock = dynamodb.get_item(TableName="race", Key={"id": {"S": "book"}})["Item"]["stock"]
    orders = dynamodb.scan(TableName="orders")["Items"]
    assert results.count(True) == 5
    assert stock == {"N": "0"}
    assert len(orders) == 5


def _stream_records(dynamodb, port, table):
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = client("dynamodbstreams", port)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def test_a_stream_survives_a_restart_without_replaying_the_restored_items(emulator):
    first = emulator().start()
    dynamodb = client("dynamodb", first.port)
    dynamodb.create_table(
        TableName="stock",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "old"}})
    first.stop()
    second = Emulator(first.data_dir)
    second.port = first.port
    second.start()
    dynamodb = client("dynamodb", second.port)
    assert _stream_records(dynamodb, second.port, "stock") == []
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "new"}})
    records = _stream_records(dynamodb, second.port, "stock")
    assert [(r["eventName"], r["dynamodb"]["Keys"]["id"]["S"]) for r in records] == [
        ("INSERT", "new")
    ]
    second.stop()


def test_truncate_empties_tables_and_buckets_and_trims_the_streams(emulator):
    import urllib.request

    running = emulator().start()
    dynamodb, s3 = client("dynamodb", running.port), client("s3", running.port)
    dynamodb.create_table(
        TableName="stock",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "a"}})
    s3.create_bucket(Bucket="covers")
    s3.put_object(Bucket="covers", Key="a.jpg", Body=b"x")
    request = urllib.request.Request(
        localaws.endpoint_for(running.port) + "/__localaws__/truncate", method="POST"
    )
    assert urllib.request.urlopen(request, timeout=10).status == 200
    assert dynamodb.scan(TableName="stock")["Items"] == []
    assert s3.list_objects_v2(Bucket="covers").get("KeyCount") == 0
    assert _stream_records(dynamodb, running.port, "stock") == []
    dynamodb.put_item(TableName="stock", Item={"id": {"S": "b"}})
    records = _stream_records(dynamodb, running.port, "stock")
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["b"]
    assert int(records[0]["dynamodb"]["SequenceNumber"]) > 1100000000017454423009
    running.stop()
