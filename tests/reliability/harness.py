"""Processes and clients the reliability suite drives: the site under gunicorn, a
stand-alone emulator that a test may stop and restart, and a small HTTP "browser".

Every wait here is bounded: processes get a deadline to start and to stop, and every
HTTP request has a timeout."""

import os
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from tests.reliability import stats

ROOT = Path(__file__).resolve().parents[2]
HTTP_TIMEOUT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, timeout, what, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout}s")


def _stop(process, timeout=15):
    """Stop a process we started (its own session), bounded; kill it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


class Gunicorn:
    """``gunicorn cloudshelf.wsgi:application`` with the test settings, talking to the
    emulator (or proxy) on ``aws_port``."""

    def __init__(self, *, aws_port, workers=3, threads=8, log_path=None, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cloudshelf.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "90",
            "--graceful-timeout",
            "5",
            "--backlog",
            "256",
            # Longer than any pause of a shopper, as behind a load balancer: a
            # reused connection is never closed under the client's feet.
            "--keep-alive",
            "75",
            # Several servers run at once: none takes the shared control socket.
            "--no-control-socket",
        ]
        process_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.test",
            "CLOUDSHELF_LOCALAWS_PORT": str(aws_port),
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (the server process keeps it)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Every worker must have loaded Django before traffic starts.
        _wait_for(self._answers, 60, "gunicorn", self.process)

    def _answers(self):
        try:
            return requests.get(self.url + "/static/css/site.css", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log_text(self):
        return Path(self.log_path).read_text(errors="replace") if self.log_path else ""

    def stop(self):
        _stop(self.process)


class Emulator:
    """A stand-alone local AWS (no owner: it runs until stopped), with a data folder so
    that its data survives a restart."""

    def __init__(self, *, data_dir, port=None, log_path=None):
        self.port = port or free_port()
        self.data_dir = Path(data_dir)
        self.log_path = log_path
        self.process = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        from cloudshelf import localaws

        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 (the emulator process keeps it)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cloudshelf.localaws",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for(lambda: localaws.is_running(self.port), 60, "the emulator", self.process)

    def stop(self):
        """A clean stop: the emulator saves its data before it exits."""
        if self.process is not None:
            _stop(self.process, timeout=30)

    def client(self, service="dynamodb"):
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name="us-east-1",
            endpoint_url=self.endpoint,
            aws_access_key_id="localaws",
            aws_secret_access_key="localaws",
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )


# --- HTML ------------------------------------------------------------------------------
class Form:
    def __init__(self, action, method):
        self.action, self.method = action, method.upper()
        self.fields = {}  # name -> value, as the page fills them
        self.kinds = {}  # name -> input type (text, number, email, file, ...)
        self.choices = {}  # name -> [values] for selects and radios
        self.accepts = {}  # name -> the accept attribute of a file input

    def __repr__(self):
        return f"<Form {self.method} {self.action} {sorted(self.kinds)}>"


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self._form, self._select, self._textarea = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = Form(attrs.get("action") or "", attrs.get("method") or "get")
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" not in attrs:
                    self._form.kinds.setdefault(name, kind)
                    return
            self._form.fields[name] = attrs.get("value", "")
            self._form.kinds[name] = kind
            if kind == "file":
                self._form.accepts[name] = attrs.get("accept") or ""
        elif tag == "select":
            self._select = name
            self._form.kinds[name] = "select"
            self._form.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._form.choices.setdefault(self._select, []).append(value)
            if "selected" in attrs or not self._form.fields.get(self._select):
                self._form.fields[self._select] = value
        elif tag == "textarea":
            self._textarea = name
            self._form.kinds[name] = "textarea"
            self._form.fields[name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(html, base_url):
    """``(forms, links)`` of a page; form actions and links made absolute paths."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        form.action = urlsplit(urljoin(base_url, form.action)).path or "/"
    return parser.forms, parser.links


def forms_of(html, base_url="/"):
    return parse_page(html, base_url)[0]


def form_with(forms, *, action_contains="", field=None):
    for form in forms:
        if action_contains in form.action and (field is None or field in form.kinds):
            return form
    return None


# --- an HTTP browser -------------------------------------------------------------------
class Unavailable(Exception):
    """The site answered 503 while a fault was being injected."""


class Browser:
    """A shopper's browser against a live server: keeps cookies, sends the site's Origin
    on POSTs (as a browser does), counts every response in the suite's figures.

    With ``fault_expected``, a 503 counts as expected; with ``raise_unavailable`` too, it
    raises Unavailable so that a shopper's step stops where the site did."""

    def __init__(self, base_url, *, fault_expected=False, raise_unavailable=False):
        self.base_url = base_url
        self.session = requests.Session()
        self.fault_expected = fault_expected
        self.raise_unavailable = raise_unavailable
        self.statuses = []

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        if method == "POST":
            kwargs.setdefault("headers", {}).setdefault("Origin", self.base_url)
        response = self.session.request(method, self.base_url + path, **kwargs)
        stats.record_response(response.status_code, fault_expected=self.fault_expected)
        self.statuses.append(response.status_code)
        if self.raise_unavailable and response.status_code == 503:
            raise Unavailable(path)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def submit(self, form, **values):
        data = {**form.fields, **values}
        if form.method == "GET":
            return self.get(form.action, params=data)
        return self.post(form.action, data=data)

    def sign_in(self, email, password):
        """Sign in through the sign-in page's own form (its CSRF token included)."""
        page = self.get("/accounts/sign-in/")
        form = form_with(forms_of(page.text, "/accounts/sign-in/"), field="password")
        return self.submit(form, email=email, password=password)

    def follow(self, response, limit=5):
        """Follow redirects by hand (each one counted), at most ``limit``."""
        for _ in range(limit):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = response.headers["Location"]
            parts = urlsplit(location)
            assert not parts.netloc or location.startswith(self.base_url), location
            response = self.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        return response


def run_remote(aws_port, command, *args, timeout=120):
    """Run ``tests/reliability/remote.py <command>`` against the emulator on ``aws_port``."""
    import json

    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.remote", command, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.test",
            "CLOUDSHELF_LOCALAWS_PORT": str(aws_port),
            "PYTHONPATH": str(ROOT),
        },
    )
    if result.returncode:
        raise RuntimeError(f"remote {command} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
