"""Hostile input, generated with hypothesis: values for path segments, query parameters,
form fields and uploads, and the harness that throws them at one route of the site."""

import io
import re
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, reject
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.reliability import stats
from tests.reliability.sitemap import ROLES, known_page_tokens
from tests.reliability.state import WriteWatch, changes, fingerprint

SPECIALS = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "-0",
    "00",
    "1.5",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "9" * 30,
    "-" + "9" * 30,
    "0x10",
    "١٢",
    "½",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE books; --",
    "' OR '1'='1",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: pwned=1",
    "../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%",
    "%%",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    " //evil.example",
    "/%09/evil.example",
    "a@b",
    "@",
    "a@b.c",
    "ADA@EXAMPLE.COM",
    "ünïcødé@exämple.com",
    "x" * 300,
    "x" * 5000,
    "🙂" * 50,
    "\u202e",
    "\ufeff",
    "~catalog",
    "~",
    "..",
    ".",
    "covers/",
    "covers/../settings.py",
    "covers/x.html",
    "covers/x.svg",
    "A" * 1025,
    "store:home",
    "accounts:logout",
    "admin",
    "x.y",
    "./x",
    "../x",
]

hostile_text = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.tuples(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8),
        st.integers(20, 700),
    ).map(lambda pair: pair[0] * pair[1]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.emails(),
)

PNG_1x1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
    b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
UPLOAD_BODIES = [
    b"",
    b"<html><script>alert(1)</script></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"GIF89a<script>alert(1)</script>",
    PNG_1x1,
    PNG_1x1[:20],
    b"\xff\xd8\xff\xe0" + b"0" * 64,
    b"PK\x03\x04" + b"\x00" * 40,
]
uploads = st.builds(
    lambda name, body, content_type: SimpleUploadedFile(name, body, content_type=content_type),
    name=st.sampled_from(
        [
            "cover.jpg",
            "cover.png",
            "cover.html",
            "cover.svg",
            "x.js",
            "../../evil.jpg",
            "a" * 200 + ".jpg",
            "cover",
            ".htaccess",
        ]
    ),
    body=st.one_of(st.sampled_from(UPLOAD_BODIES), st.binary(max_size=256)),
    content_type=st.sampled_from(
        [
            "image/jpeg",
            "image/png",
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "application/octet-stream",
        ]
    ),
)


def field_value(kind, original, choices):
    """A value for one form field: what the page filled in, a legal choice, or hostility."""
    if kind == "file":
        return uploads
    options = [hostile_text, hostile_text, st.lists(hostile_text, min_size=2, max_size=3)]
    if original:
        options.append(st.just(original))
    if choices:
        options.append(st.sampled_from(sorted(set(choices))))
    return st.one_of(options)


MISSING = object()


@st.composite
def form_data(draw, forms):
    """Fields of one of ``forms`` (each kept, dropped or made hostile) and maybe extras."""
    data = {}
    if forms:
        form = draw(st.sampled_from(forms))
        for name, kind in sorted(form.kinds.items()):
            if name == "csrfmiddlewaretoken" and draw(st.booleans()):
                data[name] = form.fields.get(name, "")
                continue
            value = draw(
                st.one_of(
                    st.just(MISSING),
                    field_value(kind, form.fields.get(name, ""), form.choices.get(name)),
                )
            )
            if value is not MISSING:
                data[name] = value
    extras = draw(
        st.dictionaries(
            st.sampled_from(
                ["quantity", "next", "id", "email", "book_id", "order_id", "page", "x"]
            ),
            hostile_text,
            max_size=2,
        )
    )
    for name, value in extras.items():
        data.setdefault(name, value)
    return data


def _mutated(token):
    return st.one_of(
        st.just(token),
        st.just(token[:-1]),
        st.just(token + "A"),
        st.integers(0, max(len(token) - 1, 0)).map(
            lambda i: token[:i] + ("A" if token[i : i + 1] != "A" else "B") + token[i + 1 :]
        ),
    )


@st.composite
def query_data(draw, names, world):
    tokens = known_page_tokens(world)
    params = {}
    for name in draw(st.lists(st.sampled_from(sorted(names)), max_size=3, unique=True)):
        if name == "page" and tokens:
            params[name] = draw(st.one_of(hostile_text, st.sampled_from(tokens).flatmap(_mutated)))
        else:
            params[name] = draw(
                st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
            )
    return params


json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False),
        hostile_text,
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def json_body(draw, names):
    """A JSON body: the operation's own properties (hostile values) and extras, or not JSON
    at all."""
    import json

    if draw(st.integers(0, 5)) == 0:
        return draw(
            st.sampled_from(
                [
                    "",
                    "{",
                    "null",
                    "[]",
                    '"x"',
                    "{}" * 5000,
                    "[" * 500 + "]" * 500,
                    "\x00",
                    '{"a": NaN}',
                ]
            )
        )
    keys = st.sampled_from(sorted(names | {"quantity", "category", "book_id"}))
    body = draw(st.dictionaries(keys | hostile_text, json_value, max_size=4))
    return json.dumps(body)


def path_value(name, converter, world):
    regex = re.compile(converter.regex)
    hostile = hostile_text.filter(lambda value: regex.fullmatch(value) is not None)
    real = world.values.get(name) or []
    options = [hostile]
    if real:
        options += [st.sampled_from(real), st.sampled_from(real)]
        options.append(
            st.tuples(st.sampled_from(real), hostile_text)
            .map(lambda pair: pair[0] + pair[1])
            .filter(lambda v: regex.fullmatch(v) is not None)
        )
    return st.one_of(options)


def redirect_stays_on_site(response):
    """True unless the Location would take a browser to another site. Browsers drop
    leading spaces and control characters, tabs and newlines, and read "\\" as "/"."""
    location = response.get("Location")
    if not location:
        return True
    cleaned = "".join(
        ch for ch in location.lstrip("".join(map(chr, range(33)))) if ch not in "\t\n\r"
    ).replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or cleaned.startswith("//"):
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return True


class Session:
    """Keeps each role signed in across examples (a hostile sign-out ends the session)."""

    def __init__(self, world, sign_in):
        self.world, self.sign_in = world, sign_in
        self.cookies = {role: self._cookie(role) for role in ROLES}

    def _cookie(self, role):
        cookie = self.world.clients[role].cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie else None

    def restore(self):
        """Sign back in any role whose session ended; True when one was."""
        restored = False
        for role, user in self.world.users.items():
            if self._cookie(role) != self.cookies[role]:
                client = self.world.clients[role]
                client.cookies.clear()
                self.sign_in(client, user)
                self.cookies[role] = self._cookie(role)
                restored = True
        return restored


def send(client, method, url, query, body, address="127.0.0.1", json_text=None):
    """One request; ``address`` is the client's (each example its own, so that the sign-in
    throttle's count per address does not lock the world's roles out)."""
    extra = {"REMOTE_ADDR": address}
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    if json_text is not None:
        return client.generic(
            method, url, data=json_text, content_type="application/json", **extra
        )
    if method == "POST":
        return client.post(url, data=body, **extra)
    if method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(method, url, **extra)
    encoded = urlencode(
        {k: v for k, v in body.items() if not isinstance(v, (SimpleUploadedFile, io.IOBase))},
        doseq=True,
    )
    return client.generic(
        method, url, data=encoded, content_type="application/x-www-form-urlencoded", **extra
    )


def fuzz_route(world, route, *, examples, sign_in, benign=lambda change: False):
    """Throw ``examples`` generated requests at ``route``: each must answer below 500,
    redirect only within the site, and, when refused (4xx), leave every table and the
    bucket exactly as they were (``benign`` may excuse a change, such as a throttle's
    counter of failed sign-ins)."""
    forms = world.forms_for(route.view_name)
    posts = [form for form in forms if form.method == "POST"]
    names = {"page", "q", "next"}
    for form in forms:
        if form.method == "GET":
            names.update(form.kinds)
    names.update(world.queries.get(route.view_name, {}))
    methods = (
        (["POST"] * 5 + ["GET", "HEAD", "PUT", "DELETE"])
        if posts
        else (["GET"] * 6 + ["POST", "HEAD", "PUT", "DELETE", "OPTIONS"])
    )
    if world.json_fields.get(route.view_name):
        methods = ["POST", "PUT", "PATCH", "DELETE"] * 2 + ["GET", "HEAD"]
    sessions = Session(world, sign_in)
    # Reading every table is slow, so the state is read again only after a request that
    # wrote something (the site runs in this process: its write calls are counted).
    last = {"state": fingerprint(), "stale": False}

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(data=st.data())
    def one(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        kwargs = {
            name: data.draw(path_value(name, converter, world), label=name)
            for name, converter in route.converters
        }
        try:
            url = reverse(route.view_name, kwargs=kwargs)
        except NoReverseMatch:
            reject()
        method = data.draw(st.sampled_from(methods), label="method")
        query = data.draw(query_data(names, world), label="query")
        json_text = None
        if route.route.startswith("api/") and method not in ("GET", "HEAD", "OPTIONS"):
            json_text = data.draw(
                json_body(world.json_fields.get(route.view_name, set())), label="json"
            )
        body = data.draw(form_data(posts), label="form") if method != "GET" else {}
        if last["stale"]:
            last["state"], last["stale"] = fingerprint(), False
        stats.add("hostile")
        address = data.draw(st.ip_addresses(v=4).map(str), label="address")
        with WriteWatch() as watch:
            response = send(
                world.clients[role], method, url, query, body, address, json_text=json_text
            )
        stats.record_response(response.status_code)
        assert response.status_code < 500, (role, method, url, response.status_code)
        assert redirect_stays_on_site(response), response.get("Location")
        if watch.writes and 400 <= response.status_code < 500:
            after = fingerprint()
            changed = [c for c in changes(last["state"], after) if not benign(c)]
            assert not changed, (
                f"a refused request ({response.status_code}) stored data",
                watch.writes,
                changed[:3],
            )
        last["stale"] = last["stale"] or bool(watch.writes)
        if sessions.restore():
            last["stale"] = True

    one()
