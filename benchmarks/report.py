"""BENCHMARKS.md from the results of one run (benchmarks/results.json holds the same
figures, raw)."""

import json

from benchmarks.costs import money


def _ms(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f} ms"


def _ops(counts):
    if not counts:
        return "none"
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items()))


def _units(value):
    return f"{value:g}"


def _load_avg(values):
    return " / ".join(f"{v:.1f}" for v in values) if values else "unknown"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render(results):
    parts = [_intro(results)]
    for section in (
        _requests,
        _servertime,
        _load,
        _emulator_query,
        _coldstart,
        _costs,
        _scale,
        _streams,
        _timings,
    ):
        text = section(results)
        if text:
            parts.append(text)
    return "\n".join(parts)


def _intro(results):
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    missing = results.get("pages_missing") or []
    text = f"""# Benchmarks

What each CloudShelf page costs in DynamoDB requests, CPU and money, measured by
`.venv/bin/python -m benchmarks` (or `python3 dev.py bench`) on {m["date"]}, commit
`{m["commit"]}`. These are figures, not tests: nothing here passes or fails. Every number
below comes from that one run; `benchmarks/results.json` holds them raw.

## The machine

| | |
|---|---|
| CPU | {m["cpu_model"]}, {m["cores"]} cores |
| memory | {m["memory_gb"]} GB |
| system | {m["os"]} |
| Python | {m["python"]} |
| packages | {packages} |
| load generator | {m["tools"].get("wrk") or "wrk not installed: Python threads"} |

The machine is shared: other work ran on its cores during the run (load average over 1, 5
and 15 minutes: {_load_avg(results.get("load_average_at_start"))} at the start,
{_load_avg(m.get("load_average"))} at the end, on {m["cores"]} cores), so wall-clock times
and throughput wander with it; CPU times (`time.thread_time`) are the steadier figure and
the one the ratios and costs use.
"""
    if missing:
        text += (
            "\nPages not in this build (their entries in `benchmarks/pages.py` wait for "
            f"their URLs): {', '.join(missing)}.\n"
        )
    sections = results.get("sections", [])
    if len(sections) < 5:
        text += f"\nThis run measured only: {', '.join(sections)}.\n"
    return text


def _requests(results):
    pages = results.get("requests")
    if not pages:
        return ""
    rows = []
    for p in pages.values():
        budget = p["budget_text"] or "–"
        verdict = {True: "yes", False: "**no**", None: "–"}[p["within_budget"]]
        overhead = _ops(p["overhead_requests"]) if p["overhead_total"] else "–"
        rows.append(
            [
                f"{p['label']} (`{p['method']} {p['path']}`)",
                _ops(p["own_requests"]),
                budget,
                verdict,
                overhead,
                _units(p["own_read_units"] + p["overhead_read_units"]),
                _units(p["own_write_units"] + p["overhead_write_units"]),
                _units(p["reported_by_emulator"])
                + (
                    f" (nothing for {', '.join(p['emulator_reported_nothing_for'])})"
                    if p["emulator_reported_nothing_for"]
                    else ""
                ),
            ]
        )
    signed = pages.get("home_signed_in")
    overhead = ""
    if signed:
        overhead = (
            f"\n**Sign-in overhead**: a signed-in request adds "
            f"{_ops(signed['overhead_requests'])} "
            f"({_units(signed['overhead_read_units'])} read units: the session is "
            f"read strongly consistent, the user eventually consistent) to the page's "
            f"own requests; anonymous pages add nothing (no session is read without "
            f"a session cookie).\n"
        )
    over = []
    for p in pages.values():
        if p["within_budget"] is False:
            budget = p["budget"]
            if "total" in budget:
                extra = f"{p['own_total'] - budget['total']} request(s) more than its {budget['total']}"
            else:
                extra = ", ".join(
                    f"{n - budget.get(op, 0)} {op}"
                    for op, n in sorted(p["own_requests"].items())
                    if n > budget.get(op, 0)
                )
                extra += " beyond its budget"
            over.append(f"{p['label']}: {extra}")
    if over:
        overhead += "\n**Over budget**: " + "; ".join(over) + ".\n"
    estimates = sorted({e for p in pages.values() for e in p["estimates"]})
    unstable = [p["label"] for p in pages.values() if not p["stable"]]
    notes = ""
    if estimates:
        notes += "\nEstimated, not exact: " + "; ".join(estimates) + ".\n"
    if unstable:
        notes += (
            "\nThese pages made different requests on different runs (the table shows "
            "the last): " + ", ".join(unstable) + ".\n"
        )
    return f"""## 1. DynamoDB requests and capacity per page

{
        _table(
            [
                "page",
                "the page's own requests",
                "budget",
                "within",
                "sign-in overhead",
                "read units",
                "write units",
                "emulator said",
            ],
            rows,
        )
    }{overhead}{notes}
How this was measured: Django's test client asked for each page three times from the
emulator, after whatever the page needs (a filled cart, a placed order) was set up
unmeasured. `benchmarks/requestcount.py` wraps botocore's `_make_api_call` and records every
DynamoDB call: its operation, parameters, response and time. Calls on the sessions table and
GetItem on the users table are the sign-in overhead; the rest are the page's own. The
request units are **computed** by `benchmarks/capacity.py` from the items each call returned
or wrote, with DynamoDB's published rules (item size = attribute names + values; reads in
4 KB, Query summing its items before rounding, eventually consistent reads half price,
transactional reads and writes double; writes in 1 KB of the larger of old and new item,
plus one write per global secondary index the item is in). The emulator's own answer to
`ReturnConsumedCapacity=TOTAL` (added to every data call) is in the last column and is not
used: moto returns a constant per operation (0.5 for any GetItem, even a strongly
consistent one; 1.0 for any Query or write; nothing for TransactWriteItems).
"""


def _servertime(results):
    pages = results.get("servertime")
    if not pages:
        return ""
    rows = []
    for p in pages.values():
        top = ", ".join(f"{k} {v:.0%}" for k, v in list(p["cpu_by_package"].items())[:4])
        rows.append(
            [
                p["label"],
                f"{p['response_bytes']:,}",
                _ms(p["cpu_ms"]["p50"]),
                _ms(p["cpu_ms"]["p90"]),
                _ms(p["floor"]["cpu_ms"]["p50"]),
                f"×{p['ratio_to_floor']:.1f}",
                _ms(p["wall_ms"]["p50"]),
                _ms(p["floor"]["wall_ms"]["p50"]),
                top,
            ]
        )
    password = ""
    if "production_password_check_ms" in pages.get("sign_in", {}):
        password = (
            f"\nSign in is measured with the test settings' MD5 password hasher; "
            f"production checks passwords with PBKDF2, which took "
            f"{_ms(pages['sign_in']['production_password_check_ms'], 0)} of CPU here "
            f"and comes on top.\n"
        )
    return f"""## 2. Server time per page, without the database

{
        _table(
            [
                "page",
                "bytes",
                "CPU p50",
                "CPU p90",
                "bare Django CPU p50",
                "ratio",
                "wall p50",
                "bare Django wall p50",
                "where the CPU goes",
            ],
            rows,
        )
    }{password}
How this was measured: each page was asked for once from the emulator while botocore's
HTTP responses were recorded (`benchmarks/servertime.py` replaces botocore's
`Endpoint._send`, the point its `before-send` event short-cuts); then it was asked for again,
after ten warm-up requests, for at least {30} requests and 1.5 s, with every DynamoDB
response handed back from memory. Botocore still builds and signs each request and parses
each response, as on Lambda; only the network and the emulator are gone. "Bare Django" is
`benchmarks/bare/`: a project with the middleware `startproject` gives that needs no
database, one view rendering a template to a page of the same size, timed the same way
(Django's test client, same run, its own process). The ratio is CloudShelf's CPU time over
the bare page's. "Where the CPU goes" is cProfile's own time per top-level package over 20
more requests (built-in means C functions such as JSON decoding and hashing).
{_cpu_parts(pages)}{_botocore_floor(pages)}"""


def _botocore_floor(pages):
    """What the page's DynamoDB requests cost in botocore alone, beside the bare page."""
    measured = [p for p in pages.values() if p.get("botocore_cpu_ms")]
    if not measured:
        return ""
    rows = [
        [
            p["label"],
            str(p["dynamodb_responses_recorded"]),
            _ms(p["botocore_cpu_ms"]["p50"]),
            _ms(p["floor"]["cpu_ms"]["p50"]),
            f"×{p['botocore_ratio_floor']:.1f}",
            f"×{p['ratio_to_floor']:.1f}",
        ]
        for p in measured
    ]
    header = [
        "page",
        "DynamoDB requests",
        "CPU in botocore calls p50",
        "bare Django CPU p50",
        "least ratio with those requests",
        "ratio",
    ]
    return f"""
### The floor that botocore sets

{_table(header, rows)}
CPU in botocore calls is timed around each of botocore's `_make_api_call` (building,
signing and sending the request, parsing the answer, its event hooks) over 30 more
requests of the page, replayed as above. The least ratio is (bare Django + that) over
bare Django: what the page would cost over bare Django if everything but its DynamoDB
requests took no more than the bare page does.
"""


def _cpu_parts(pages):
    """Where each page's CPU goes, by part (benchmarks/servertime.py ``PARTS``)."""
    with_parts = [p for p in pages.values() if p.get("cpu_by_part")]
    if not with_parts:
        return ""
    names = []
    for p in with_parts:
        names += [n for n in p["cpu_by_part"] if n not in names]
    rows = [
        [p["label"], _ms(p["cpu_ms"]["p50"])]
        + [f"{p['cpu_by_part'].get(n, 0):.0%}" for n in names]
        for p in with_parts
    ]
    return f"""
### Where each page's CPU goes

{_table(["page", "CPU p50", *names], rows)}
The same profile as "where the CPU goes", its own time per function summed by where the
function lives: templates (Django's template engine, template tags, HTML escaping), URLs
(reversing and resolving), botocore (with urllib3), PynamoDB (with cloudshelf/dynamo.py),
middleware (Django's request handler, Django's, whitenoise's and our middleware), the rest
of Django, our views, selectors and services. Time in Python's standard library and C
built-ins (JSON decoding, regular expressions, escaping) counts in the part that called
them; what is left under "Python" was called from Python itself. A change shows here as a
share that moves.
"""


def _load(results):
    load = results.get("load")
    if not load:
        return ""
    rows = []
    for page in load["pages"].values():
        for point in page["points"]:
            share = "–" if point["db_share"] is None else f"{point['db_share']:.0%}"
            per_request_db = (point["db_ms"] / point["timed"]) if point["timed"] else None
            emulator = point["emulator_cpu_s"]
            rows.append(
                [
                    page["label"],
                    point["connections"],
                    f"{point['per_second']:.1f}",
                    _ms(point["p50_ms"], 1),
                    _ms(point["p99_ms"], 1),
                    point["errors"],
                    share,
                    _ms(per_request_db, 1),
                    "–" if emulator is None else f"{emulator / point['seconds']:.2f}",
                    "–"
                    if point["workers_cpu_s"] is None
                    else f"{point['workers_cpu_s'] / point['seconds']:.2f}",
                ]
            )
    tool = load["tool"]
    return f"""## 3. Throughput and latency (gunicorn, against the emulator)

{
        _table(
            [
                "page",
                "clients",
                "pages/s",
                "p50",
                "p99",
                "errors",
                "DynamoDB share of app time",
                "in DynamoDB calls / request",
                "emulator CPU (cores)",
                "gunicorn CPU (cores)",
            ],
            rows,
        )
    }
How this was measured: gunicorn {results["machine"]["packages"].get("gunicorn")} with
{load["gunicorn_workers"]} {load["worker_class"]} workers (2 × cores + 1) served
`benchmarks/probe.py`, CloudShelf's WSGI application (test settings, DEBUG off) wrapped to
add a `Server-Timing` header: the time the request spent in the application and, of that,
in DynamoDB calls (botocore's `_make_api_call`, this request's thread only). The load
generator was {tool}, {load["seconds_per_point"]:g} s per page and client count, keep-alive
connections (the sync workers close each one after its response). Latency is the
client's. The DynamoDB share is the sum of the DynamoDB time over the sum of the
application time, from the headers. Emulator and gunicorn CPU are read from /proc before
and after each point, as cores busy on average. The emulator serves one request at a time
and shares the two cores with gunicorn and the load generator: these are this machine's
figures for the whole local stack, not DynamoDB's or Lambda's. Before each page and
between client counts the runner waits until gunicorn has no connection left open:
requests a closed run left queued would otherwise hold the next one up.
{_worker_memory(load)}"""


def _emulator_query(results):
    query = results.get("emulator_query")
    if not query:
        return ""
    same = "the same bytes" if query["same_bytes"] else "**different bytes**"
    return f"""
**The emulator's CPU per Query**: the category page's Query ({query["items"]} items of
{query["category"]}), {query["queries"]} times: the emulator
{query["emulator_ms"]:.2f} ms of its CPU per Query, moto's stock server (`python -m
moto.server`, the same items) {query["stock_moto_ms"]:.2f} ms; their answers were {same}.
"""


def _worker_memory(load):
    workers = load.get("workers_memory")
    if not workers:
        return ""
    rss = sorted(w["rss_mb"] for w in workers)
    pss = sorted(w["pss_mb"] for w in workers)
    private = sorted(w["private_mb"] for w in workers)

    def spread(values):
        return f"{values[len(values) // 2]:.1f} MB (from {values[0]:.1f} to {values[-1]:.1f})"

    return f"""
**Memory per worker** once every page above had been served ({len(workers)} workers, from
`/proc/<pid>/smaps_rollup`, median and range): resident {spread(rss)}; proportional share
{spread(pss)}; private {spread(private)}. The workers fork from a master that loaded the
application first (`--preload`), so what they share is counted once in the proportional
share.
"""


def _external(result):
    figures = result.get("figures")
    if figures is not None:
        return "```json\n" + json.dumps(figures, indent=2)[:8000] + "\n```\n"
    text = (result.get("output") or "").strip() or (result.get("stderr") or "").strip()
    return "```\n" + text[-6000:] + "\n```\n"


def _imports(imports):
    top = list(imports["cloudshelf_by_package_ms"].items())[:15]
    bare = imports["bare_django_by_package_ms"]
    rows = [
        [name, _ms(ms, 1), _ms(bare.get(name), 1) if name in bare else "–"] for name, ms in top
    ]
    return f"""Import time, from `python -X importtime` while setting Django up (`benchmarks/startup.py`;
own time per top-level package, the fifteen largest; total CloudShelf
{_ms(imports["cloudshelf_total_ms"], 0)}, bare Django {_ms(imports["bare_django_total_ms"], 0)}):

{_table(["package", "CloudShelf", "bare Django"], rows)}"""


def _streams(results):
    run = results.get("streams")
    if not run:
        return ""
    figures = run.get("figures")
    if not figures:
        return (
            "## Event backbone\n\n`benchmarks/stream_delay.py` gave no figures:\n\n"
            + _external(run)
        )
    delay, cost = figures["delay"], figures["cost"]
    per = cost["per_1000_orders"]
    rows = [
        ["write -> projections, p50", _ms(delay["p50_ms"], 0)],
        ["write -> projections, p99", _ms(delay["p99_ms"], 0)],
        ["write -> projections, max", _ms(delay["max_ms"], 0)],
        ["stream records per order", cost["records_per_order"]],
        ["local reader's throughput (records a second)", cost.get("records_per_second_local")],
        ["DynamoDB requests per record (projections)", cost["requests_per_record"]],
        [
            "write / read request units per 1,000 orders",
            f"{per['write_request_units']:,} / {per['read_request_units']:,}",
        ],
        [
            "Lambda invocations per 1,000 orders",
            f"{per['lambda_invocations_full_batches']:,} (full batches) to {per['lambda_invocations_unbatched']:,} (one record each)",
        ],
        ["added DynamoDB cost per 1,000 orders", f"${per['dynamodb_dollars']}"],
        ["added Lambda cost per 1,000 orders (upper bound)", f"${per['lambda_dollars']}"],
        ["stream reads", per["stream_reads_dollars"]],
    ]
    names = ", ".join(f"`{p.rsplit('.', 1)[-1]}`" for p in figures["projections"]) or "none"
    note = f"\n{run['note']}\n" if run.get("note") else ""
    return f"""## Event backbone

`benchmarks/stream_delay.py`: books and orders written straight into their tables with boto3
(as the DynamoDB console would), at random spacing, with the local poller reading the
streams every {figures["interval_seconds"]} s as under `dev.py serve`; a probe projection
registered after the store's own ({names}) notes when each record reaches it. Then, with the
poller stopped, {cost["orders"]} orders and their stock changes are delivered in one go while
every DynamoDB request is counted (the local reader's own position and lease requests are
included: a few per round of up to 100 records). Costs assume items under 1 KB, AWS list
prices as above, and the consumer's 1,024 MB for the local delivery time (an upper bound:
the emulator is slower than DynamoDB).

{_table(["figure", "value"], rows)}
Requests by operation while delivering: {", ".join(f"{k} {v}" for k, v in cost["requests"].items())}.
{note}"""


def _coldstart(results):
    cold = results.get("coldstart")
    if not cold:
        return ""
    if "script" in cold:
        return f"""## 4. Cold start

From `{cold["script"]}` (the deploy work: a fresh process to the first response through
Zappa's Lambda handler, beside a bare `startproject`), called by the runner with
`--runs 5` (exit code {cold["exit_code"]}, {cold["seconds"]:.0f} s); its output:

{_external(cold)}
{_imports(cold["importtime"])}"""
    first = cold["first_response_ms"]
    rows = [
        [label, _ms(first[key]["p50"], 0), _ms(first[key]["min"], 0), _ms(first[key]["max"], 0)]
        for key, label in (
            ("cloudshelf", "CloudShelf (its WSGI application, `GET /`)"),
            ("bare_django", "bare Django project (one page)"),
            ("python_alone", "Python alone (no imports)"),
        )
    ]
    return f"""## 4. Cold start

**Stand-in**: `benchmarks/cold_start.py` (the deploy work, through the Lambda handler) is not
in this build, so `benchmarks/startup.py` measured a fresh process to its first response
through CloudShelf's WSGI application instead; the runner calls `cold_start.py` once it
exists.

{_table(["fresh process to first response", "p50", "min", "max"], rows)}
Each is a new `python` process, timed from spawn to exit after one response
({cold["runs"]} runs each, interleaved); CloudShelf's first response reads the home page from
the emulator (one GetItem).

{_imports(cold["importtime"])}"""


def _costs(results):
    costs = results.get("costs")
    if not costs or not costs["pages"]:
        return ""
    prices = costs["prices"]
    price_rows = [
        [
            "DynamoDB on-demand, read request unit",
            f"${prices['dynamodb_read_request_unit_per_million']} per million",
        ],
        [
            "DynamoDB on-demand, write request unit",
            f"${prices['dynamodb_write_request_unit_per_million']} per million",
        ],
        [
            "DynamoDB storage (Standard)",
            f"${prices['dynamodb_storage_gb_month']} per GB-month, first {prices['dynamodb_free_storage_gb']} GB free",
        ],
        ["Lambda compute (x86)", f"${prices['lambda_gb_second']} per GB-second"],
        ["Lambda requests", f"${prices['lambda_per_million_requests']} per million"],
    ]
    rows = []
    for p in costs["pages"].values():
        rows.append(
            [
                p["label"],
                _units(p["read_units"]),
                _units(p["write_units"]),
                money(p["dynamodb_per_1000"], 5),
                f"{p['lambda_billed_ms']} ms" if "lambda_billed_ms" in p else "–",
                money(p["lambda_per_1000"], 5) if "lambda_per_1000" in p else "–",
                money(p["total_per_1000"], 5) if "total_per_1000" in p else "–",
            ]
        )
    order = costs["order"]
    if order:
        order_text = (
            f"**Per order** ({' → '.join(order['steps'])}): "
            f"{_units(order['read_units'])} read units and "
            f"{_units(order['write_units'])} write units, "
            f"{money(order['dynamodb'], 6)} of DynamoDB"
            + (
                f" and {money(order['lambda'], 6)} of Lambda, "
                f"{money(order['total'], 6)} in all; "
                f"{money(order['total'] * 1000, 4)} per 1,000 orders"
                if "total" in order
                else ""
            )
            + ".\n"
        )
    else:
        order_text = (
            "**Per order**: not yet measurable: the cart and checkout pages are not "
            "in this build.\n"
        )
    level_rows = []
    for level in costs["usage_levels"]:
        level_rows.append(
            [
                level["name"],
                f"{level['reads']:,}",
                f"{level['writes']:,}",
                f"{level['storage_gb']} GB",
                money(level["requests"], 4),
                money(level["storage_without_free_tier"], 2),
                money(level["total_without_free_tier"], 2),
                level["seed_estimate"],
                f"{level['page_views_served']:,.0f}" if "page_views_served" in level else "–",
                money(level["lambda_for_those_views"], 2)
                if "lambda_for_those_views" in level
                else "–",
            ]
        )
    average = costs.get("average_page_view")
    mix = ""
    if average:
        mix = (
            "The browsing mix: "
            + ", ".join(f"{name} {weight:.0%}" for name, weight in average["weights"].items())
            + f"; an average view costs {_units(round(average['read_units'], 3))} read units."
        )
    return f"""## 5. Cost

Prices: AWS list prices, {prices["region"]}, {prices["as_of"]}:

{_table(["item", "price"], price_rows)}
Sources: {"; ".join(prices["sources"])}.

{
        _table(
            [
                "page",
                "read units",
                "write units",
                "DynamoDB per 1,000 views",
                "Lambda billed per view (est.)",
                "Lambda per 1,000 views",
                "total per 1,000 views",
            ],
            rows,
        )
    }
{order_text}
How this was computed: DynamoDB from the request units of section 1 (the page's own and the
sign-in overhead). Lambda at {costs["lambda_memory_mb"]} MB ({costs["memory_source"]}): billed
milliseconds estimated as the CPU time of section 2, stretched by 1,769 MB ÷ memory (Lambda
gives one full vCPU at 1,769 MB and a proportional share below), plus an **assumed**
{costs["dynamodb_latency_ms_assumed"]} ms round trip per DynamoDB request, rounded up to the
millisecond, plus the per-request charge. API Gateway, CloudFront and data transfer are not
included.

The seed document's usage levels, each read counted as one read request unit (a strongly
consistent read of up to 4 KB; eventually consistent reads cost half) and each write as one
write request unit (up to 1 KB):

{
        _table(
            [
                "level",
                "reads/month",
                "writes/month",
                "storage",
                "DynamoDB requests",
                "storage (no free tier)",
                "DynamoDB total",
                "seed's estimate",
                "page views those reads serve",
                "Lambda for those views",
            ],
            level_rows,
        )
    }
{mix} The seed's estimates are well above what on-demand DynamoDB charges now for those
volumes: at 2024-11 prices the requests of even the largest level cost a few dollars, and
storage is most of the bill.
"""


def _scale(results):
    scale = results.get("scale")
    if not scale:
        return ""
    levels = scale["levels"]
    header = (
        ["page"]
        + [f"{lvl['books']:,} books: requests, read units" for lvl in levels]
        + [
            "flat",
            "page time against the emulator " + " / ".join(f"{lvl['books']:,}" for lvl in levels),
        ]
    )
    rows = []
    for name in levels[0]["pages"]:
        cells = [levels[0]["pages"][name]["label"]]
        for level in levels:
            page = level["pages"][name]
            cells.append(f"{_ops(page['own_requests'])}, {_units(page['own_read_units'])}")
        cells.append("yes" if scale["flat"][name] else "**no**")
        cells.append(
            " / ".join(
                _ms(level["pages"][name]["page_ms_against_emulator"], 0) for level in levels
            )
        )
        rows.append(cells)
    loads = ", ".join(f"{lvl['books']:,} books in {lvl['load_seconds']:.0f} s" for lvl in levels)
    extra = ""
    search = results.get("search_scale")
    if search:
        extra = (
            f"\nSearch at scale, from `{search['script']}` (the search work), called by "
            f"the runner with `--sizes 1000 --repeat 2` (exit code {search['exit_code']}, "
            f"{search['seconds']:.0f} s). Its 50,000-book level loads about 1.2 million "
            f"index entries into the emulator, which takes about an hour, so it is not "
            f"part of this ten-minute run; run `.venv/bin/python "
            f"benchmarks/search_scale.py` alone for it. Its output:\n\n" + _external(search)
        )
    return f"""## 6. Scale

{_table(header, rows)}
How this was measured: the emulator was emptied, the seed's three books written, then books
loaded straight into it with BatchWriteItem, 25 per request ({loads}), in eight categories;
after each level the pages were asked for through Django twice and their requests and
computed read units recorded. "Flat" means both are the same at every size: the pages read
by key or by one page of a partition, never by scanning. The emulator's time grows with the
table (moto walks a whole partition, or for an index the whole table, on every Query);
DynamoDB's does not. (The benchmark gives the emulator a 120 s read timeout for this.)
{extra}"""


def _timings(results):
    t = results["timings"]
    rows = [
        [key.replace("_seconds", "").replace("_", " "), f"{value:.0f} s"]
        for key, value in t.items()
    ]
    return f"""## The run

{_table(["step", "time"], rows)}"""
