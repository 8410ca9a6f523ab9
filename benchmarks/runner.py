"""Runs the benchmarks in order and writes the results (see benchmarks/__init__.py)."""

import argparse
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["requests", "servertime", "emulator", "load", "coldstart", "scale", "streams"]
COLD_START_SCRIPT = ROOT / "benchmarks" / "cold_start.py"
SEARCH_SCALE_SCRIPT = ROOT / "benchmarks" / "search_scale.py"
STREAM_DELAY_SCRIPT = ROOT / "benchmarks" / "stream_delay.py"


def log(message):
    print(message, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run CloudShelf's benchmarks; write BENCHMARKS.md and "
        "benchmarks/results.json.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); the report then holds only what was run",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=4.0,
        help="seconds of load per page and concurrency (default 4)",
    )
    parser.add_argument(
        "--scale-books",
        default="1000,50000",
        help="catalog sizes for the scale section (default 1000,50000)",
    )
    parser.add_argument(
        "--page",
        action="append",
        help="measure only this page of benchmarks/pages.py (repeatable; default all)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: write BENCHMARKS.md again from benchmarks/results.json",
    )
    parser.add_argument(
        "--output",
        default=str(ROOT),
        help="folder for BENCHMARKS.md (results.json goes to its benchmarks/ folder)",
    )
    return parser.parse_args(argv)


def setup_django(port):
    os.environ["DJANGO_SETTINGS_MODULE"] = "cloudshelf.settings.test"
    os.environ["CLOUDSHELF_LOCALAWS_PORT"] = str(port)
    # The emulator answers a Query of a 50,000-book table in seconds on a busy machine:
    # wait for it rather than fail fast as the site does in front of DynamoDB.
    os.environ.setdefault("DYNAMODB_READ_TIMEOUT", "120")
    import django

    django.setup()


def seed_catalog():
    from cloudshelf.tables import covers_bucket_ensure, tables_create
    from store.catalog.seed import catalog_seed

    tables_create()
    covers_bucket_ensure()
    catalog_seed()


def lambda_memory_mb():
    path = ROOT / "zappa_settings.json"
    if path.exists():
        try:
            stages = json.loads(path.read_text())
            for stage in stages.values():
                if isinstance(stage, dict) and stage.get("memory_size"):
                    return int(stage["memory_size"]), "zappa_settings.json"
        except (ValueError, TypeError):
            pass
    return 512, "default (no zappa_settings.json with memory_size)"


def run_external(script, args, log_name):
    """Run another engineer's benchmark script; returns its JSON (last line) or output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=480,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result = {
        "script": str(script.relative_to(ROOT)),
        "exit_code": done.returncode,
        "seconds": time.perf_counter() - started,
    }
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    try:
        result["figures"] = json.loads(lines[-1])
    except (IndexError, ValueError):
        result["output"] = done.stdout[-6000:]
    if done.returncode != 0:
        result["stderr"] = done.stderr[-3000:]
        log(f"  {log_name} exited with {done.returncode}")
    return result


def main(argv):
    args = parse_args(argv)
    sections = args.only or SECTIONS
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    output = Path(args.output)
    if args.report_only:
        from benchmarks import report

        results = json.loads((output / "benchmarks" / "results.json").read_text())
        (output / "BENCHMARKS.md").write_text(report.render(results))
        log("Wrote BENCHMARKS.md from benchmarks/results.json.")
        return 0

    from benchmarks import costs, machine
    from benchmarks.emulator import Emulator

    results = {
        "sections": sections,
        "machine": None,
        "timings": {},
        "load_average_at_start": os.getloadavg(),
    }
    emulator = Emulator().start()
    try:
        setup_django(emulator.port)
        from benchmarks import dynamodb, pages, servertime

        t = time.perf_counter()
        log(f"Emulator on port {emulator.port}; loading the sample catalog ...")
        seed_catalog()
        results["timings"]["seed_seconds"] = time.perf_counter() - t
        ctx = pages.Context()
        present, missing = pages.pages_in_build()
        if args.page:
            present = [p for p in present if p.name in args.page]
        results["pages_missing"] = missing
        if missing:
            log(f"Pages not in this build: {', '.join(missing)}")

        if "requests" in sections or "servertime" in sections:
            t = time.perf_counter()
            log("DynamoDB requests and capacity per page ...")
            results["requests"] = dynamodb.measure_pages(present, ctx)
            for name, r in results["requests"].items():
                log(
                    f"  {name:16} own {r['own_requests']} overhead {r['overhead_requests']} "
                    f"RRU {r['own_read_units'] + r['overhead_read_units']:.1f} "
                    f"WRU {r['own_write_units'] + r['overhead_write_units']:.1f}"
                )
            results["timings"]["requests_seconds"] = time.perf_counter() - t

        if "servertime" in sections:
            t = time.perf_counter()
            log("Server time per page, DynamoDB answered from memory ...")
            results["servertime"] = servertime.measure_pages(present, ctx)
            for name, r in results["servertime"].items():
                log(
                    f"  {name:16} CPU p50 {r['cpu_ms']['p50']:.2f} ms "
                    f"(floor {r['floor']['cpu_ms']['p50']:.2f} ms, x{r['ratio_to_floor']:.1f}); "
                    f"wall p50 {r['wall_ms']['p50']:.2f} ms"
                )
                log(
                    "      "
                    + ", ".join(f"{k} {v:.0%}" for k, v in r["cpu_by_part"].items() if v >= 0.01)
                )
            results["timings"]["servertime_seconds"] = time.perf_counter() - t

        if "emulator" in sections:
            from benchmarks import emulator_query

            t = time.perf_counter()
            log("The emulator's CPU for the category page's Query ...")
            results["emulator_query"] = emulator_query.run(emulator, log)
            results["timings"]["emulator_seconds"] = time.perf_counter() - t

        if "load" in sections:
            from benchmarks import load

            t = time.perf_counter()
            log("Throughput and latency under gunicorn ...")
            results["load"] = load.run(
                [p for p in present if p.load], ctx, emulator, seconds=args.load_seconds, log=log
            )
            results["timings"]["load_seconds"] = time.perf_counter() - t

        if "coldstart" in sections:
            t = time.perf_counter()
            log("Cold start ...")
            from benchmarks import startup

            if COLD_START_SCRIPT.exists():
                results["coldstart"] = run_external(
                    COLD_START_SCRIPT, ["--runs", "5"], "cold_start.py"
                )
                results["coldstart"]["importtime"] = startup.import_breakdown(emulator.port)
            else:
                results["coldstart"] = startup.run(emulator.port)
            results["timings"]["coldstart_seconds"] = time.perf_counter() - t

        if "scale" in sections:
            from benchmarks import scale

            t = time.perf_counter()
            sizes = tuple(int(s) for s in args.scale_books.split(","))
            log(f"Scale: {' and '.join(f'{s:,}' for s in sizes)} books ...")
            results["scale"] = scale.run(ctx, emulator, log, sizes=sizes)
            if SEARCH_SCALE_SCRIPT.exists():
                # Its 50,000-book level loads 1.2 million index entries (about an hour, says
                # its README): within this run's ten minutes, only its first level.
                results["search_scale"] = run_external(
                    SEARCH_SCALE_SCRIPT, ["--sizes", "1000", "--repeat", "2"], "search_scale.py"
                )
            results["timings"]["scale_seconds"] = time.perf_counter() - t

        if "streams" in sections:
            t = time.perf_counter()
            log("Event backbone: delay from a write to its projections, cost per 1,000 orders ...")
            results["streams"] = run_external(STREAM_DELAY_SCRIPT, [], "stream_delay.py")
            results["timings"]["streams_seconds"] = time.perf_counter() - t

        memory_mb, memory_source = lambda_memory_mb()
        results["costs"] = costs.page_costs(
            results,
            memory_mb=memory_mb,
            memory_source=memory_source,
            journey=pages.ORDER_JOURNEY,
            mix={p.name: p.in_mix for p in present},
        )
    finally:
        emulator.stop()

    from benchmarks import load as load_module
    from benchmarks import report

    tools = {"wrk": load_module.shutil.which("wrk")}
    results["machine"] = machine.describe(ROOT, tools)
    results["timings"]["total_seconds"] = time.perf_counter() - started
    (output / "benchmarks").mkdir(parents=True, exist_ok=True)
    (output / "benchmarks" / "results.json").write_text(
        json.dumps(results, indent=2, default=_json_default) + "\n"
    )
    (output / "BENCHMARKS.md").write_text(report.render(results))
    log(
        f"Wrote BENCHMARKS.md and benchmarks/results.json in "
        f"{results['timings']['total_seconds']:.0f} s."
    )
    return 0


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)
