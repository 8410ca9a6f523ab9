"""The embedded local Stripe: localstripe (a stateful fake of Stripe's API, with its
stand-in for Stripe.js at ``/js.stripe.com/v3/``), started beside the embedded local AWS
for ``dev.py serve``, gunicorn and the tests when no Stripe keys are configured.

Run alone with ``python -m cloudshelf.localstripe --port 8420``. Compared with
``python -m localstripe`` it

* listens on 127.0.0.1 only;
* keeps its data in memory: localstripe itself pickles everything to one fixed file in
  /tmp after each write and reloads it at start, which processes on one machine would share;
* answers ``GET /_config/cloudshelf-health`` (``?owner=PID`` asks it to live as long as that
  process) and stops when the last of its owners has ended, as the local AWS does;
* registers the site's webhook endpoint and its signing secret at start
  (``--webhook-url``, ``--webhook-secret``), so events arrive signed as Stripe signs them.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Under /_config/: localstripe lets that prefix through without an API key.
HEALTH_PATH = "/_config/cloudshelf-health"
SERVICE = "cloudshelf-localstripe"


def endpoint_for(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def is_running(port: int, timeout: float = 0.5, owner: int | None = None) -> bool:
    url = endpoint_for(port) + HEALTH_PATH + (f"?owner={owner}" if owner else "")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return json.load(resp).get("service") == SERVICE
    except (OSError, ValueError):
        return False


def webhook_register(
    *, port: int, url: str, secret: str, name: str = "cloudshelf", events: list | None = None
) -> None:
    """Point localstripe's webhook ``name`` at ``url``, signed with ``secret``; ``events``
    limits it to those event types (``[]``: none, localstripe has no way to delete one)."""
    data = json.dumps({"url": url, "secret": secret, "events": events}).encode()
    request = urllib.request.Request(
        f"{endpoint_for(port)}/_config/webhooks/{name}",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def ensure_running(
    *,
    port: int,
    stop_with_pid: int | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    log_path: str | None = None,
    timeout: float = 30,
) -> subprocess.Popen | None:
    """Start localstripe in its own process unless ours already answers on ``port``.
    Returns the process started, or None when one was already running."""
    if is_running(port, owner=stop_with_pid):
        return None
    command = [sys.executable, "-m", "cloudshelf.localstripe", "--port", str(port)]
    if stop_with_pid:
        command += ["--parent-pid", str(stop_with_pid)]
    if webhook_url and webhook_secret:
        command += ["--webhook-url", webhook_url, "--webhook-secret", webhook_secret]
    log_file = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    project_root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(project_root)},
        cwd=project_root,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_running(port):
            return process
        if process.poll() is not None:
            if is_running(port, owner=stop_with_pid):  # another process won the race
                return None
            raise RuntimeError(f"localstripe exited (code {process.returncode})")
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"localstripe did not answer on port {port} in {timeout}s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve(port: int, parent_pid: int | None, webhook_url: str | None, secret: str | None):
    from aiohttp import web
    from localstripe import resources, server
    from localstripe.webhooks import register_webhook

    # In memory only (see the module's docstring).
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    owners = {parent_pid} if parent_pid else set()

    async def health(request):
        owner = request.query.get("owner", "")
        if owner.isdigit():
            owners.add(int(owner))
        return web.json_response({"service": SERVICE, "pid": os.getpid()})

    async def watch_owners(app):
        async def loop():
            while True:
                await asyncio.sleep(1)
                if owners and not any(_alive(pid) for pid in owners):
                    os._exit(0)

        app["owner_watch"] = asyncio.ensure_future(loop())

    app = server.app
    app.router.add_get(HEALTH_PATH, health)
    app.on_startup.append(watch_owners)
    if webhook_url and secret:
        register_webhook("cloudshelf", webhook_url, secret, None)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--parent-pid", type=int, default=None, help="stop when this ends")
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-secret", default=None)
    args = parser.parse_args(argv)
    serve(args.port, args.parent_pid, args.webhook_url, args.webhook_secret)


def start_for_django(config: dict) -> None:
    """Start localstripe for this Django process (cloudshelf/apps.py), tied to it as the
    local AWS is; under runserver's autoreloader, to the long-lived outer process."""
    from django.conf import settings

    owner = os.getppid() if os.environ.get("RUN_MAIN") == "true" else os.getpid()
    ensure_running(
        port=config["port"],
        stop_with_pid=owner,
        webhook_url=config.get("webhook_url"),
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
    )


if __name__ == "__main__":
    main()
