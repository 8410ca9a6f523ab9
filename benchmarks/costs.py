"""Prices and the arithmetic that turns request units and milliseconds into dollars.

Prices are AWS's public on-demand list prices for us-east-1, as stated in PRICES; change them
there and every figure follows. Money is Decimal, as everywhere in CloudShelf."""

import math
from decimal import Decimal

MILLION = Decimal(1_000_000)

PRICES = {
    "region": "us-east-1 (US East, N. Virginia)",
    "as_of": "list prices in force since 2024-11-01 (DynamoDB on-demand was halved then)",
    "dynamodb_read_request_unit_per_million": Decimal("0.125"),
    "dynamodb_write_request_unit_per_million": Decimal("0.625"),
    "dynamodb_storage_gb_month": Decimal("0.25"),
    "dynamodb_free_storage_gb": Decimal("25"),
    "lambda_gb_second": Decimal("0.0000166667"),
    "lambda_per_million_requests": Decimal("0.20"),
    "lambda_full_vcpu_memory_mb": 1769,
    "sources": [
        "https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class, us-east-1)",
        (
            "https://aws.amazon.com/blogs/database/new-amazon-dynamodb-lowers-pricing-for-"
            "on-demand-throughput-and-global-tables/ (the 50 % cut of 2024-11-01)"
        ),
        "https://aws.amazon.com/lambda/pricing/ (x86, first pricing tier)",
        (
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html "
            "(1,769 MB = one vCPU)"
        ),
    ],
}

# The seed document's usage levels and its own estimates (DynamoDB only, per month).
SEED_USAGE_LEVELS = [
    {
        "name": "Development",
        "reads": 100_000,
        "writes": 50_000,
        "storage_gb": 1,
        "seed_estimate": "$2-5/month",
    },
    {
        "name": "Small Business",
        "reads": 1_000_000,
        "writes": 500_000,
        "storage_gb": 10,
        "seed_estimate": "$15-25/month",
    },
    {
        "name": "Growing Business",
        "reads": 10_000_000,
        "writes": 5_000_000,
        "storage_gb": 100,
        "seed_estimate": "$100-150/month",
    },
]


def dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def dynamodb_cost(read_units, write_units, prices=PRICES):
    """Dollars for this many read and write request units, on demand."""
    return (
        dec(read_units) * prices["dynamodb_read_request_unit_per_million"]
        + dec(write_units) * prices["dynamodb_write_request_unit_per_million"]
    ) / MILLION


def lambda_billed_ms(cpu_ms, dynamodb_requests, *, memory_mb, dynamodb_latency_ms, prices=PRICES):
    """An estimate of one invocation's billed duration: the CPU time measured here,
    stretched by the share of a vCPU that Lambda gives at ``memory_mb`` (a full one at
    1,769 MB), plus a network round trip per DynamoDB request; billed per whole ms."""
    stretch = max(1.0, prices["lambda_full_vcpu_memory_mb"] / memory_mb)
    return math.ceil(cpu_ms * stretch + dynamodb_requests * dynamodb_latency_ms)


def lambda_cost(billed_ms, *, memory_mb, invocations=1, prices=PRICES):
    """Dollars for ``invocations`` of ``billed_ms`` each at ``memory_mb``."""
    gb_seconds = dec(billed_ms) / 1000 * dec(memory_mb) / 1024 * invocations
    return (
        gb_seconds * prices["lambda_gb_second"]
        + dec(invocations) * prices["lambda_per_million_requests"] / MILLION
    )


def storage_cost(gb, *, free_tier=True, prices=PRICES):
    billable = dec(gb) - (prices["dynamodb_free_storage_gb"] if free_tier else 0)
    return max(Decimal(0), billable) * prices["dynamodb_storage_gb_month"]


def usage_level_cost(level, prices=PRICES):
    """A seed usage level's monthly DynamoDB bill: each read one read request unit (a
    strongly consistent read of up to 4 KB; eventually consistent ones cost half) and
    each write one write request unit (up to 1 KB), plus storage."""
    requests = dynamodb_cost(level["reads"], level["writes"], prices)
    return {
        "requests": requests,
        "storage_without_free_tier": storage_cost(
            level["storage_gb"], free_tier=False, prices=prices
        ),
        "storage_with_free_tier": storage_cost(level["storage_gb"], prices=prices),
        "total_without_free_tier": requests
        + storage_cost(level["storage_gb"], free_tier=False, prices=prices),
    }


def money(value, places=4):
    """A dollar amount for a report: ``$0.0123``."""
    quantum = Decimal(1).scaleb(-places)
    return f"${dec(value).quantize(quantum)}"


DYNAMODB_LATENCY_MS = 5  # an assumed round trip to DynamoDB from Lambda in the same region


def page_costs(results, *, memory_mb, memory_source, journey, mix, prices=PRICES):
    """Dollars per 1,000 views of each measured page, per order, and the seed's usage
    levels, from the request units and CPU times measured in this run."""
    requests = results.get("requests", {})
    servertime = results.get("servertime", {})
    pages = {}
    for name, measured in requests.items():
        read = measured["own_read_units"] + measured["overhead_read_units"]
        write = measured["own_write_units"] + measured["overhead_write_units"]
        count = measured["own_total"] + measured["overhead_total"]
        db = dynamodb_cost(read, write, prices)
        entry = {
            "label": measured["label"],
            "read_units": read,
            "write_units": write,
            "requests": count,
            "dynamodb_per_1000": db * 1000,
        }
        cpu = servertime.get(name, {}).get("cpu_ms", {}).get("p50")
        if cpu is not None:
            # Sign-in: the production password hasher's CPU instead of the test one's.
            cpu += servertime[name].get("production_password_check_ms", 0)
            billed = lambda_billed_ms(
                cpu,
                count,
                memory_mb=memory_mb,
                dynamodb_latency_ms=DYNAMODB_LATENCY_MS,
                prices=prices,
            )
            entry.update(
                server_cpu_ms=cpu,
                lambda_billed_ms=billed,
                lambda_per_1000=lambda_cost(
                    billed, memory_mb=memory_mb, invocations=1000, prices=prices
                ),
            )
            entry["total_per_1000"] = entry["dynamodb_per_1000"] + entry["lambda_per_1000"]
        pages[name] = entry
    order = None
    steps = [name for name in journey if name in pages]
    if steps and len(steps) == len(journey):
        order = {
            "steps": steps,
            "dynamodb": sum(pages[n]["dynamodb_per_1000"] for n in steps) / 1000,
            "read_units": sum(pages[n]["read_units"] for n in steps),
            "write_units": sum(pages[n]["write_units"] for n in steps),
        }
        if all("lambda_per_1000" in pages[n] for n in steps):
            order["lambda"] = sum(pages[n]["lambda_per_1000"] for n in steps) / 1000
            order["total"] = order["dynamodb"] + order["lambda"]
    # A browsing mix over the pages that exist: what an average page view costs.
    weights = {n: w for n, w in mix.items() if w and n in pages}
    average = None
    if weights:
        total_weight = sum(weights.values())
        average = {
            "weights": {n: w / total_weight for n, w in weights.items()},
            "read_units": sum(pages[n]["read_units"] * w for n, w in weights.items())
            / total_weight,
            "write_units": sum(pages[n]["write_units"] * w for n, w in weights.items())
            / total_weight,
            "requests": sum(pages[n]["requests"] * w for n, w in weights.items()) / total_weight,
        }
        if all("lambda_per_1000" in pages[n] for n in weights):
            average["lambda_per_1000"] = sum(
                pages[n]["lambda_per_1000"] * dec(w) for n, w in weights.items()
            ) / dec(total_weight)
    levels = []
    for level in SEED_USAGE_LEVELS:
        bill = usage_level_cost(level, prices)
        row = {**level, **bill}
        if average and average["read_units"]:
            views = level["reads"] / average["read_units"]
            row["page_views_served"] = views
            if "lambda_per_1000" in average:
                row["lambda_for_those_views"] = average["lambda_per_1000"] * dec(views) / 1000
        levels.append(row)
    return {
        "prices": prices,
        "lambda_memory_mb": memory_mb,
        "memory_source": memory_source,
        "dynamodb_latency_ms_assumed": DYNAMODB_LATENCY_MS,
        "pages": pages,
        "order": order,
        "average_page_view": average,
        "usage_levels": levels,
    }
