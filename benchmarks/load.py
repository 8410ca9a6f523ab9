"""Throughput and latency: gunicorn serving CloudShelf (benchmarks/probe.py) from the
emulator, loaded by wrk at 1, 8 and 32 concurrent connections per page.

wrk comes from Debian's package: the runner installs it with apt-get when it is missing and
it may (root, apt-get present); otherwise a Python load generator of threads on keep-alive
connections stands in (it spends CPU of its own on this machine, and says so in the report).
The time spent in DynamoDB calls is taken from the Server-Timing header of every response;
the emulator's and the workers' CPU from /proc.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.emulator import free_port
from benchmarks.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = (1, 8, 32)
LUA = Path(__file__).with_name("wrk_report.lua")


def ensure_wrk(log):
    """The path of wrk, installing Debian's package when possible; None otherwise."""
    found = shutil.which("wrk")
    if found or os.environ.get("BENCH_NO_INSTALL"):
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    log("Installing wrk from Debian's packages (apt-get) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "install", "-y", "-qq", "wrk"],
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "wrk"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, timeout=240)
        if done.returncode == 0 and command[1] == "install":
            break
    return shutil.which("wrk")


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return children.read().split()
    except OSError:
        return None


def _children_memory(pid):
    """Each child's resident, proportional and private memory in MB (smaps_rollup)."""
    workers = []
    for child in _children(pid) or []:
        try:
            with open(f"/proc/{child}/smaps_rollup") as rollup:
                kb = {
                    line.split(":")[0]: int(line.split()[1])
                    for line in rollup.read().splitlines()[1:]
                }
        except (OSError, ValueError, IndexError):
            continue
        private = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
        workers.append(
            {"rss_mb": kb["Rss"] / 1024, "pss_mb": kb["Pss"] / 1024, "private_mb": private / 1024}
        )
    return workers


def _children_cpu(pid):
    """CPU seconds of a process's children (gunicorn's workers)."""
    total = 0.0
    pids = _children(pid)
    if pids is None:
        return None
    for child in pids:
        try:
            with open(f"/proc/{child}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


class Gunicorn:
    def __init__(self, emulator_port, workers):
        self.port = free_port()
        self.workers = workers
        self.emulator_port = emulator_port
        self.process = None

    def start(self, timeout=60):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.test",
            "CLOUDSHELF_LOCALAWS_PORT": str(self.emulator_port),
            "PYTHONPATH": str(ROOT),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.probe:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--preload",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def workers_cpu(self):
        return _children_cpu(self.process.pid)

    def workers_memory(self):
        return _children_memory(self.process.pid)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_wrk(wrk, url, connections, seconds, cookie):
    threads = max(1, min(2, connections))
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    done = subprocess.run(
        command,
        env={**os.environ, "BENCH_COOKIE": cookie or ""},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = next((out for out in done.stdout.splitlines() if out.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures: {done.stdout[-500:]} {done.stderr[-500:]}")
    raw = json.loads(line[len("WRK_JSON ") :])
    return {
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "errors": raw["socket_errors"] + raw["non_200"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "timed": raw["timed"],
        "db_ms": raw["db_ms"],
        "app_ms": raw["app_ms"],
        "db_calls": raw["db_calls"],
    }


def run_python(url, connections, seconds, cookie):
    """The stand-in for wrk: ``connections`` threads, each on one keep-alive connection."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, lock = [], threading.Lock()
    totals = {"errors": 0, "timed": 0, "db_ms": 0.0, "app_ms": 0.0, "db_calls": 0}
    stop_at = time.perf_counter() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def client():
        conn, mine, acc = None, [], dict.fromkeys(totals, 0)
        while time.perf_counter() < stop_at:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                acc["errors"] += 1
                conn.close()
                conn = None
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                acc["errors"] += 1
            timing = response.getheader("Server-Timing", "")
            _add_timing(acc, timing)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        with lock:
            latencies.extend(mine)
            for key in totals:
                totals[key] += acc[key]

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": percentile(latencies, 0.5),
        "p90_ms": percentile(latencies, 0.9),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies, default=None),
        **totals,
    }


def _add_timing(acc, header):
    fields = dict(part.strip().split(";", 1) for part in header.split(",") if ";" in part)
    try:
        db = float(fields["db"].split("dur=")[1].split(";")[0])
        app = float(fields["app"].split("dur=")[1])
        calls = int(fields["db"].split('desc="')[1].rstrip('"'))
    except (KeyError, IndexError, ValueError):
        return
    acc["timed"] += 1
    acc["db_ms"] += db
    acc["app_ms"] += app
    acc["db_calls"] += calls


def run(pages, ctx, emulator, *, seconds, log, concurrency=CONCURRENCY):
    from django.conf import settings

    wrk = ensure_wrk(log)
    workers = 2 * (os.cpu_count() or 1) + 1
    server = Gunicorn(emulator.port, workers).start()
    results = {
        "tool": "wrk" if wrk else "python threads (wrk unavailable)",
        "tool_path": wrk,
        "gunicorn_workers": workers,
        "worker_class": "sync",
        "seconds_per_point": seconds,
        "pages": {},
    }
    try:
        for page in pages:
            if page.prepare:
                page.prepare(ctx)
            cookie = None
            if page.user != "anonymous":
                cookie = f"{settings.SESSION_COOKIE_NAME}={ctx.session_cookie(page.user)}"
            url = f"http://127.0.0.1:{server.port}{page.path(ctx)}"
            points = []
            # Warm every worker on this page (templates compiled, connections open).
            settle(server)
            if wrk:
                run_wrk(wrk, url, server.workers, 1, cookie)
            else:
                run_python(url, server.workers, 1, cookie)
            for connections in concurrency:
                settle(server)
                emulator_cpu, workers_cpu = emulator.cpu_seconds(), server.workers_cpu()
                if wrk:
                    point = run_wrk(wrk, url, connections, seconds, cookie)
                else:
                    point = run_python(url, connections, seconds, cookie)
                point["connections"] = connections
                point["per_second"] = point["requests"] / point["seconds"]
                point["emulator_cpu_s"] = _delta(emulator.cpu_seconds(), emulator_cpu)
                point["workers_cpu_s"] = _delta(server.workers_cpu(), workers_cpu)
                point["db_share"] = (point["db_ms"] / point["app_ms"]) if point["app_ms"] else None
                points.append(point)
                log(
                    f"  load {page.name:16} c={connections:<3} {point['per_second']:7.1f}/s "
                    f"p50 {point['p50_ms']:.1f} ms p99 {point['p99_ms']:.1f} ms"
                )
            results["pages"][page.name] = {
                "label": page.label,
                "path": page.path(ctx),
                "points": points,
            }
        results["workers_memory"] = server.workers_memory()  # warm: every page served
    finally:
        server.stop()
    return results


def _open_connections(port):
    """Server-side TCP connections on ``port`` not yet closed by gunicorn (established,
    waiting in the accept queue or half-closed by the client), from /proc/net/tcp."""
    busy_states = {"01", "03", "08"}  # ESTABLISHED, SYN_RECV, CLOSE_WAIT
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] in busy_states:
                        count += 1
        except (OSError, StopIteration):
            return None
    return count


def settle(server, *, timeout=90):
    """Wait until gunicorn has answered every request a finished run left behind. wrk
    closes its connections at the end, but requests already sent are still served, one at
    a time by the emulator, and would hold the next run up for seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _open_connections(server.port):
            return
        time.sleep(0.2)


def _delta(after, before):
    return None if after is None or before is None else after - before
