"""Run the site the way AWS Lambda runs it, with no AWS: Zappa's own handler, fed API
Gateway (REST, v1 proxy) events, in a fresh Python process.

* ``zappa_settings_module()`` writes the ``zappa_settings.py`` that ``zappa package`` puts
  in the zip, with Zappa's own code (``ZappaCLI.get_zappa_settings_string``) from the
  project's zappa_settings.json.
* ``LambdaProcess`` starts a worker (this file run as a script) that, like Lambda's init
  phase, builds ``zappa.handler.LambdaHandler`` before the first event (production settings,
  the secret key read from SSM), then answers one event per line of stdin with Zappa's
  response on stdout. Its logs (stderr) go to a file the test can read.
* ``SiteView`` is a tiny browser for one way of reaching the site: the API Gateway URL
  (its paths carry ``/<stage>``), a custom domain, or CloudFront (which calls API Gateway's
  host and names the visitor's host in X-Forwarded-Host).
"""

import base64
import json
import os
import subprocess
import sys
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
API_HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"


def zappa_settings_module(directory, *, stage, environment=None):
    """Write ``directory/zappa_settings.py`` as ``zappa package <stage>`` would, with
    ``environment`` added to the stage's environment_variables (as a person edits
    zappa_settings.json after creating the CloudFront distribution)."""
    from zappa.cli import ZappaCLI

    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_credentials = False
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        cli.load_settings(settings_file=str(ROOT / "zappa_settings.json"))
    finally:
        os.chdir(cwd)
    cli.environment_variables = {**cli.environment_variables, **(environment or {})}
    path = Path(directory) / "zappa_settings.py"
    path.write_text(cli.get_zappa_settings_string())
    return path


class LambdaProcess:
    """``sys_path`` and ``python_flags`` let a test run an unzipped Lambda package alone
    (``-S``: no site-packages; the package and a stand-in for the runtime's boto3)."""

    def __init__(
        self,
        settings_dir,
        *,
        env,
        log_path,
        sys_path=None,
        python_flags=(),
        handler_module="zappa.handler",
    ):
        self.log_path = Path(log_path)
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        paths = [str(p) for p in (sys_path or [settings_dir, ROOT])]
        self.process = subprocess.Popen(
            [sys.executable, *python_flags, __file__, json.dumps(paths), handler_module],
            cwd=settings_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log_file,
            text=True,
        )
        ready = self.process.stdout.readline()
        if ready.strip() != "ready":
            self.close()
            raise RuntimeError("The Lambda worker did not start:\n" + self.log_path.read_text())

    def invoke(self, event):
        request_id = str(uuid.uuid4())
        self.process.stdin.write(json.dumps({"event": event, "request_id": request_id}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("The Lambda worker died:\n" + self.log_path.read_text())
        response = json.loads(line)
        response["request_id"] = request_id
        return response

    def logs(self):
        self.log_file.flush()
        return self.log_path.read_text()

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        self.log_file.close()


def rest_api_event(
    method, path, *, host, stage, headers=None, query=None, body=None, is_base64=False
):
    """An API Gateway REST API proxy event, as Lambda receives it. ``path`` is the
    resource path: API Gateway has already taken the stage out of it."""
    all_headers = {
        "Host": host,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "X-Forwarded-For": "203.0.113.9, 130.176.1.1",
        "User-Agent": "Mozilla/5.0 (lambda-harness)",
        "Accept": "text/html",
    }
    all_headers.update(headers or {})
    pairs = parse_qsl(query or "", keep_blank_values=True)
    multi_query = {}
    for key, value in pairs:
        multi_query.setdefault(key, []).append(value)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": dict(pairs) or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "domainName": host,
            "apiId": API_HOST.split(".")[0],
            "accountId": "123456789012",
            "identity": {"sourceIp": "203.0.113.9", "userAgent": all_headers["User-Agent"]},
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


class Response:
    def __init__(self, raw):
        self.raw = raw
        self.status = raw["statusCode"]
        self.headers = {k.lower(): v for k, v in raw.get("headers", {}).items()}
        self.multi_headers = {k.lower(): v for k, v in raw.get("multiValueHeaders", {}).items()}
        self.is_base64 = raw.get("isBase64Encoded", False)
        body = raw.get("body") or ""
        self.content = base64.b64decode(body) if self.is_base64 else body.encode()

    @property
    def text(self):
        return self.content.decode()

    @property
    def set_cookies(self):
        # Zappa 0.63 lists each cookie under both "Set-Cookie" and "set-cookie" (its
        # ZappaWSGIMiddleware keeps the original header beside the lower-cased copy).
        return list(dict.fromkeys(c.strip() for c in self.multi_headers.get("set-cookie", [])))


class SiteView:
    """One way of reaching the site. ``get``/``post`` take the path the visitor's
    browser uses (with the stage prefix on the API Gateway URL) and keep cookies."""

    def __init__(self, worker, *, name, host, prefix="", forwarded_host=None, stage):
        self.worker, self.name, self.host, self.prefix = worker, name, host, prefix
        self.forwarded_host, self.stage = forwarded_host, stage
        self.cookies = {}

    @property
    def origin(self):
        return f"https://{self.forwarded_host or self.host}"

    def url(self, path):
        return self.prefix + path

    def _resource_path(self, url_path):
        assert url_path.startswith(self.prefix + "/"), (url_path, self.prefix)
        return url_path[len(self.prefix) :]

    def request(self, method, url_path, *, headers=None, body=None, query=None):
        split = urlsplit(url_path)
        all_headers = dict(headers or {})
        if self.forwarded_host:
            all_headers["X-Forwarded-Host"] = self.forwarded_host
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        event = rest_api_event(
            method,
            self._resource_path(split.path),
            host=self.host,
            stage=self.stage,
            headers=all_headers,
            body=body,
            query=query or split.query,
        )
        response = Response(self.worker.invoke(event))
        response.event = event
        for header in response.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url_path, **kwargs):
        return self.request("GET", url_path, **kwargs)

    def post(self, url_path, data, **kwargs):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + url_path,
            **kwargs.pop("headers", {}),
        }
        return self.request("POST", url_path, headers=headers, body=urlencode(data), **kwargs)


class _Context:
    """What Lambda passes as ``context``."""

    def __init__(self, request_id):
        self.aws_request_id = request_id
        self.function_name = "cloudshelf-production"
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 1024
        self.invoked_function_arn = (
            "arn:aws:lambda:us-east-1:123456789012:function:cloudshelf-production"
        )
        self.log_group_name = "/aws/lambda/cloudshelf-production"

    def get_remaining_time_in_millis(self):
        return 60000


def _worker(paths, handler_module):
    # The protocol owns the real stdout; everything printed goes to the logs (stderr).
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.path[:0] = paths
    # Lambda's init phase: build the handler (Django, settings, secret) before any event.
    os.environ["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] = "1"
    import importlib

    lambda_handler = importlib.import_module(handler_module).lambda_handler

    protocol.write("ready\n")
    protocol.flush()
    for line in sys.stdin:
        message = json.loads(line)
        result = lambda_handler(message["event"], _Context(message["request_id"]))
        protocol.write(json.dumps(result) + "\n")
        protocol.flush()


if __name__ == "__main__":
    _worker(json.loads(sys.argv[1]), sys.argv[2])
