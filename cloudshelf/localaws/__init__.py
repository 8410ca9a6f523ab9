"""The embedded local AWS: see server.py. This module starts it for Django when needed."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HEALTH_PATH = "/__localaws__/health"


def endpoint_for(port):
    return f"http://127.0.0.1:{port}"


def is_running(port, timeout=0.5, owner=None):
    """True when our emulator answers on ``port``; ``owner`` (a pid) asks it to keep
    running for as long as that process lives."""
    url = endpoint_for(port) + HEALTH_PATH + (f"?owner={owner}" if owner else "")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return json.load(resp).get("service") == "cloudshelf-localaws"
    except (OSError, ValueError):
        return False


def ensure_running(
    *, port, data_dir=None, region="us-east-1", stop_with_pid=None, log_path=None, timeout=60
):
    """Start the emulator in its own process unless one already answers on ``port``.

    Returns the ``subprocess.Popen`` it started, or ``None`` when one was already running.
    """
    if is_running(port, owner=stop_with_pid):
        return None
    command = [
        sys.executable,
        "-m",
        "cloudshelf.localaws",
        "--port",
        str(port),
        "--region",
        region,
    ]
    if data_dir:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        command += ["--data-dir", str(data_dir)]
    if stop_with_pid:
        command += ["--parent-pid", str(stop_with_pid)]
    log_file = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (the child process keeps it open)
    project_root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(project_root)}
    process = subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
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
            raise RuntimeError(
                f"the local AWS emulator exited (code {process.returncode}); "
                f"see {log_path or 'its output'}"
            )
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the local AWS emulator did not answer on port {port} in {timeout}s")
