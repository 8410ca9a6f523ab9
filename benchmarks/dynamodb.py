"""DynamoDB requests and capacity per page, counted by hooking botocore in-process while
Django's test client asks for each page from the emulator."""

from collections import Counter

from django.conf import settings

from benchmarks.capacity import calculator_for_models
from benchmarks.requestcount import record_dynamodb_calls
from cloudshelf.tables import table_models

REPEATS = 3


def calculator():
    return calculator_for_models(table_models())


def call_tables(call):
    params = call.params
    if "TableName" in params:
        return [params["TableName"]]
    if "RequestItems" in params:
        return list(params["RequestItems"])
    if "TransactItems" in params:
        return sorted({next(iter(a.values()))["TableName"] for a in params["TransactItems"]})
    return []


def is_sign_in_overhead(call):
    """The reads (and session writes) that any signed-in request makes: the session
    and the user."""
    tables = call_tables(call)
    if tables == [settings.SESSIONS_TABLE_NAME]:
        return True
    return call.operation == "GetItem" and tables == [settings.USERS_TABLE_NAME]


def analyse(calls, calc):
    own, overhead = Counter(), Counter()
    totals = {
        "own_read_units": 0.0,
        "own_write_units": 0.0,
        "overhead_read_units": 0.0,
        "overhead_write_units": 0.0,
        "reported_by_emulator": 0.0,
        "emulator_reported_nothing_for": [],
        "estimates": [],
        "seconds_in_calls": 0.0,
    }
    detail = []
    for call in calls:
        usage = calc.usage(call.operation, call.params, call.response)
        side = "overhead" if is_sign_in_overhead(call) else "own"
        (overhead if side == "overhead" else own)[call.operation] += 1
        totals[f"{side}_read_units"] += usage.read
        totals[f"{side}_write_units"] += usage.write
        reported = call.reported_capacity
        if reported is None:
            totals["emulator_reported_nothing_for"].append(call.operation)
        else:
            totals["reported_by_emulator"] += reported
        totals["estimates"] += usage.estimated
        totals["seconds_in_calls"] += call.seconds
        detail.append(
            {
                "operation": call.operation,
                "tables": call_tables(call),
                "side": side,
                "read_units": usage.read,
                "write_units": usage.write,
                "emulator_reported": reported,
                "error": type(call.error).__name__ if call.error else None,
            }
        )
    totals["estimates"] = sorted(set(totals["estimates"]))
    totals["emulator_reported_nothing_for"] = sorted(set(totals["emulator_reported_nothing_for"]))
    return {
        "own_requests": dict(own),
        "own_total": sum(own.values()),
        "overhead_requests": dict(overhead),
        "overhead_total": sum(overhead.values()),
        **totals,
        "calls": detail,
    }


def within_budget(budget, own_requests):
    if not budget:
        return None
    if "total" in budget:
        return sum(own_requests.values()) <= budget["total"]
    return all(own_requests.get(op, 0) <= n for op, n in budget.items()) and set(
        own_requests
    ) <= set(budget)


def measure_page(page, ctx, calc, repeats=REPEATS):
    """The page's requests and capacity, measured ``repeats`` times (the last is kept;
    ``stable`` says whether every run made the same requests)."""
    client = ctx.client(page.user)
    runs = []
    for _ in range(repeats):
        if page.prepare:
            page.prepare(ctx)
        with record_dynamodb_calls(consumed_capacity=True) as calls:
            response = page.request(client, ctx)
        if response.status_code not in page.statuses:
            raise RuntimeError(f"{page.name}: {page.path(ctx)} answered {response.status_code}")
        runs.append((analyse(list(calls), calc), response))
    result, response = runs[-1]
    result.update(
        page=page.name,
        label=page.label,
        path=page.path(ctx),
        method=page.method,
        user=page.user,
        status=response.status_code,
        response_bytes=len(response.content),
        stable=len({tuple(sorted(r["own_requests"].items())) for r, _ in runs}) == 1,
        budget=page.budget,
        budget_text=page.budget_text,
        within_budget=within_budget(page.budget, result["own_requests"]),
    )
    return result


def measure_pages(pages, ctx):
    calc = calculator()
    return {page.name: measure_page(page, ctx, calc) for page in pages}
