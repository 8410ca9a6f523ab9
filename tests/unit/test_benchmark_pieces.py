"""The benchmark runner's pure pieces: percentiles, cost arithmetic, DynamoDB capacity rules
and the request recorder. (The benchmarks themselves are figures, not tests.)"""

from decimal import Decimal

import botocore.session
import pytest
from botocore.stub import Stubber

from benchmarks import costs
from benchmarks.capacity import (
    CapacityCalculator,
    Index,
    item_size,
    number_size,
    read_units,
    write_units,
)
from benchmarks.requestcount import count_dynamodb_requests, record_dynamodb_calls
from benchmarks.servertime import ROOT, part_of
from benchmarks.stats import percentile, summary

# -- percentiles ----------------------------------------------------------------------


def test_percentile_interpolates_between_ranks():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5


def test_percentile_of_extremes_is_min_and_max():
    values = [5, 1, 9, 3]
    assert (percentile(values, 0), percentile(values, 1)) == (1, 9)


def test_p99_of_a_hundred_values_leans_on_the_largest():
    assert percentile(range(1, 101), 0.99) == pytest.approx(99.01)


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None


def test_percentile_rejects_a_fraction_outside_zero_to_one():
    with pytest.raises(ValueError):
        percentile([1], 99)


def test_summary_counts_and_averages():
    assert summary([2, 4, 6]) == {
        "count": 3,
        "mean": 4,
        "p50": 4,
        "p90": pytest.approx(5.6),
        "p99": pytest.approx(5.96),
        "min": 2,
        "max": 6,
    }


# -- cost arithmetic ------------------------------------------------------------------


def test_a_million_read_units_cost_the_listed_price():
    assert costs.dynamodb_cost(1_000_000, 0) == Decimal("0.125")


def test_writes_cost_five_times_reads():
    assert costs.dynamodb_cost(0, 1_000_000) == Decimal("0.625")


def test_lambda_cost_is_gb_seconds_plus_request_charge():
    # 1,000 invocations of 100 ms at 1,024 MB: 100 GB-s and 1,000 requests.
    assert costs.lambda_cost(100, memory_mb=1024, invocations=1000) == (
        Decimal("100") * Decimal("0.0000166667") + Decimal("0.0002")
    )


def test_lambda_duration_stretches_cpu_below_a_full_vcpu():
    # 10 ms of CPU at 512 MB gets 512/1769 of a vCPU: about 34.6 ms, plus 2 x 5 ms.
    assert costs.lambda_billed_ms(10, 2, memory_mb=512, dynamodb_latency_ms=5) == 45


def test_lambda_duration_is_not_shrunk_above_a_full_vcpu():
    assert costs.lambda_billed_ms(10, 0, memory_mb=3008, dynamodb_latency_ms=5) == 10


def test_free_tier_storage_costs_nothing():
    assert costs.storage_cost(10) == 0


def test_seed_small_business_level_costs_cents_in_requests():
    small = next(level for level in costs.SEED_USAGE_LEVELS if level["name"] == "Small Business")
    bill = costs.usage_level_cost(small)
    assert bill["requests"] == Decimal("0.4375")
    assert bill["total_without_free_tier"] == Decimal("2.9375")


def test_money_rounds_to_the_places_asked():
    assert costs.money(Decimal("0.123456"), 4) == "$0.1235"


# -- DynamoDB capacity rules ---------------------------------------------------------

CLEAN_CODE = {
    "category": {"S": "Technology"},
    "book_id": {"S": "tech-001"},
    "title": {"S": "Clean Code"},
    "price": {"N": "42.99"},
    "hidden": {"BOOL": False},
}


def test_number_size_is_a_byte_per_two_significant_digits_plus_one():
    assert (number_size("42.99"), number_size("100"), number_size("-7")) == (3, 2, 3)


def test_item_size_counts_names_and_values():
    # category(8)+Technology(10) book_id(7)+tech-001(8) title(5)+Clean Code(10)
    # price(5)+3 hidden(6)+1
    assert item_size(CLEAN_CODE) == 18 + 15 + 15 + 8 + 7


def test_list_and_map_carry_three_bytes_and_one_per_element():
    assert item_size({"l": {"L": [{"S": "ab"}, {"S": "c"}]}}) == 1 + 3 + (1 + 2) + (1 + 1)
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + 1 + 1 + 1


def test_reads_round_up_to_4kb_and_eventual_costs_half():
    assert read_units(100) == 0.5
    assert read_units(4097, consistent=True) == 2
    assert read_units(0) == 0.5  # a miss still costs the minimum
    assert read_units(100, transactional=True) == 2


def test_writes_round_up_to_1kb_and_transactions_double():
    assert write_units(1025) == 2
    assert write_units(10, transactional=True) == 2


def _calculator():
    return CapacityCalculator(
        {"books": ("category", "book_id")},
        {"books": [Index("TitleSearchIndex", ("title",), "ALL")]},
    )


def _book(number, padding=0):
    return {
        "category": {"S": "Poetry"},
        "book_id": {"S": f"p-{number}"},
        "title": {"S": f"Poem {number}"},
        "text": {"S": "x" * padding},
    }


def test_query_rounds_the_sum_of_its_items_once():
    items = [_book(n, padding=1000) for n in range(10)]  # ~10.4 KB in all
    usage = _calculator().usage(
        "Query", {"TableName": "books"}, {"Items": items, "ScannedCount": 10}
    )
    assert usage.read == 1.5


def test_batch_get_rounds_each_item():
    items = [_book(n, padding=1000) for n in range(10)]
    usage = _calculator().usage(
        "BatchGetItem",
        {"RequestItems": {"books": {"Keys": [{}] * 10}}},
        {"Responses": {"books": items}},
    )
    assert usage.read == 5.0


def test_a_put_writes_the_table_and_each_index_holding_the_item():
    usage = _calculator().usage("PutItem", {"TableName": "books", "Item": _book(1)}, {})
    assert usage.write == 2.0


def test_an_item_without_the_index_key_writes_only_the_table():
    item = {"category": {"S": "~catalog"}, "book_id": {"S": "summary"}}
    usage = _calculator().usage("PutItem", {"TableName": "books", "Item": item}, {})
    assert usage.write == 1.0


def test_a_transactional_update_is_sized_from_the_item_last_read():
    calc = _calculator()
    book = _book(1, padding=1500)
    calc.usage("GetItem", {"TableName": "books", "Key": {}}, {"Item": book})
    key = {"category": book["category"], "book_id": book["book_id"]}
    usage = calc.usage(
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Update": {"TableName": "books", "Key": key, "UpdateExpression": "SET s = :s"}}
            ]
        },
        {},
    )
    assert usage.write == 2 * 2 + 2  # 2 KB transactional in the table, 2 KB in the index
    assert usage.estimated == ["updated item sized as last seen"]


# -- the request recorder --------------------------------------------------------------


@pytest.fixture
def stubbed_client():
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber


def test_counter_counts_each_operation(stubbed_client):
    client, stubber = stubbed_client
    stubber.add_response("get_item", {})
    stubber.add_response("get_item", {})
    stubber.add_response("query", {"Items": []})
    with count_dynamodb_requests() as counts:
        client.get_item(TableName="t", Key={"k": {"S": "1"}})
        client.get_item(TableName="t", Key={"k": {"S": "2"}})
        client.query(
            TableName="t",
            KeyConditionExpression="k = :k",
            ExpressionAttributeValues={":k": {"S": "1"}},
        )
    assert counts == {"GetItem": 2, "Query": 1}


def test_counter_counts_nothing_outside_its_block(stubbed_client):
    client, stubber = stubbed_client
    stubber.add_response("get_item", {})
    with count_dynamodb_requests() as counts:
        pass
    client.get_item(TableName="t", Key={"k": {"S": "1"}})
    assert counts == {}


def test_recorder_asks_for_consumed_capacity_and_keeps_the_answer(stubbed_client):
    client, stubber = stubbed_client
    stubber.add_response(
        "get_item",
        {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}},
        expected_params={
            "TableName": "t",
            "Key": {"k": {"S": "1"}},
            "ReturnConsumedCapacity": "TOTAL",
        },
    )
    with record_dynamodb_calls(consumed_capacity=True) as calls:
        client.get_item(TableName="t", Key={"k": {"S": "1"}})
    assert [(c.operation, c.reported_capacity) for c in calls] == [("GetItem", 0.5)]


def test_recorder_leaves_parameters_alone_unless_asked(stubbed_client):
    client, stubber = stubbed_client
    stubber.add_response(
        "get_item", {}, expected_params={"TableName": "t", "Key": {"k": {"S": "1"}}}
    )
    with record_dynamodb_calls() as calls:
        client.get_item(TableName="t", Key={"k": {"S": "1"}})
    assert calls[0].params == {"TableName": "t", "Key": {"k": {"S": "1"}}}


# -- where a page's CPU goes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "part"),
    [
        ("/v/lib/python3.11/site-packages/django/template/base.py", "templates"),
        (str(ROOT / "store" / "cart" / "templatetags" / "cart_tags.py"), "templates"),
        ("/v/lib/python3.11/site-packages/botocore/parsers.py", "botocore"),
        ("/v/lib/python3.11/site-packages/pynamodb/attributes.py", "PynamoDB"),
        (str(ROOT / "cloudshelf" / "dynamo.py"), "PynamoDB"),
        (str(ROOT / "accounts" / "middleware.py"), "middleware"),
        ("/v/lib/python3.11/site-packages/whitenoise/middleware.py", "middleware"),
        ("/v/lib/python3.11/site-packages/django/utils/functional.py", "rest of Django"),
        (str(ROOT / "store" / "views.py"), "our views, selectors, services"),
        ("/usr/lib/python3.11/json/decoder.py", "Python (standard library, built-ins)"),
        ("~", "Python (standard library, built-ins)"),
    ],
)
def test_cpu_of_a_function_counts_in_the_part_where_it_lives(filename, part):
    assert part_of(filename) == part
