"""The emulator's own CPU for the category page's Query (one partition, 24 items), beside
moto's stock server answering the same Query over the same items, in the same run.

CPU is the emulator process's user + system time from /proc over many Queries, divided by
their count: the client's time is not in it. The two answers' bodies are compared byte for
byte (``tests/unit/test_localaws_fast_serialize.py`` does so on every kind of attribute)."""

import socket
import subprocess
import sys
import time

import boto3
from botocore.config import Config
from django.conf import settings

from benchmarks.emulator import ROOT, Emulator, free_port

QUERIES = 200
CATEGORY = "Technology"
PAGE_SIZE = 24


def _client(port):
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}),
    )


def _query(client, table):
    """The category page's Query as PynamoDB sends it (``Book.query(category, limit=24)``)."""
    return client.query(
        TableName=table,
        KeyConditionExpression="#0 = :0",
        Limit=PAGE_SIZE,
        ExpressionAttributeNames={"#0": "category"},
        ExpressionAttributeValues={":0": {"S": CATEGORY}},
        ReturnConsumedCapacity="TOTAL",
    )


def _raw_body(client, table):
    bodies = []

    def keep(http_response, **_):
        bodies.append(http_response.content)

    client.meta.events.register("after-call.dynamodb.Query", keep)
    _query(client, table)
    client.meta.events.unregister("after-call.dynamodb.Query", keep)
    return bodies[0]


def _cpu_per_query_ms(client, table, cpu_seconds):
    for _ in range(20):  # warm-up
        _query(client, table)
    before = cpu_seconds()
    for _ in range(QUERIES):
        _query(client, table)
    return (cpu_seconds() - before) / QUERIES * 1000


def _answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class _StockMoto(Emulator):
    """moto's own server (``python -m moto.server``), without the emulator's patches."""

    def start(self, timeout=60):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not _answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("moto's server did not start")
            time.sleep(0.2)
        return self


def run(emulator, log):
    table = settings.BOOKS_TABLE_NAME
    ours = _client(emulator.port)
    items = _query(ours, table)["Items"]
    partition = [  # every book of the category, so that both stop at the same 24th
        item
        for page in ours.get_paginator("query").paginate(
            TableName=table,
            KeyConditionExpression="category = :c",
            ExpressionAttributeValues={":c": {"S": CATEGORY}},
        )
        for item in page["Items"]
    ]
    results = {"items": len(items), "queries": QUERIES, "category": CATEGORY}
    results["emulator_ms"] = _cpu_per_query_ms(ours, table, emulator.cpu_seconds)
    stock = _StockMoto(free_port()).start()
    try:
        theirs = _client(stock.port)
        described = ours.describe_table(TableName=table)["Table"]
        theirs.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=described["KeySchema"],
            AttributeDefinitions=[
                a
                for a in described["AttributeDefinitions"]
                if a["AttributeName"] in {k["AttributeName"] for k in described["KeySchema"]}
            ],
        )
        for item in partition:
            theirs.put_item(TableName=table, Item=item)
        results["stock_moto_ms"] = _cpu_per_query_ms(theirs, table, stock.cpu_seconds)
        results["same_bytes"] = _raw_body(ours, table) == _raw_body(theirs, table)
    finally:
        stock.stop()
    log(
        f"  a {len(items)}-item Query: emulator {results['emulator_ms']:.2f} ms of CPU, "
        f"moto's own server {results['stock_moto_ms']:.2f} ms; "
        f"same bytes: {results['same_bytes']}"
    )
    return results
