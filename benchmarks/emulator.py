"""A private, standalone local AWS for one benchmark run: its own port, memory only."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cloudshelf.localaws import is_running

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """``python -m cloudshelf.localaws --port P`` with no data dir, stopped on exit."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout=60):
        command = [
            sys.executable,
            "-m",
            "cloudshelf.localaws",
            "--port",
            str(self.port),
            "--ttl-interval",
            "3600",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if is_running(self.port):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited with {self.process.returncode}")
            time.sleep(0.1)
        raise RuntimeError("the emulator did not start")

    def reset(self):
        request = urllib.request.Request(self.endpoint + "/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=30).read()

    def cpu_seconds(self):
        """User + system CPU the emulator process has used so far (Linux)."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
