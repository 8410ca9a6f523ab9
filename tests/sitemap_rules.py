"""The sitemaps.org schema's rules (sitemap.xsd and siteindex.xsd, protocol 0.9), checked
by hand so that no schema file is fetched at run time:

- the root is ``urlset`` (a sitemap) or ``sitemapindex`` (an index) in the namespace
  http://www.sitemaps.org/schemas/sitemap/0.9, and every element is in that namespace;
- a ``urlset`` holds 1..50,000 ``url`` elements, an index 1..50,000 ``sitemap`` elements;
- each holds exactly one ``loc``, then at most one ``lastmod`` (and, in a url, at most one
  ``changefreq`` from its enumeration and one ``priority`` from 0.0 to 1.0), in that order;
- ``loc`` is an absolute http(s) URL of 12 to 2,048 characters (tLoc: anyURI, minLength 12,
  maxLength 2048);
- ``lastmod`` is a W3C Datetime: YYYY-MM-DD, or that with Thh:mm[:ss[.s]] and a zone
  (Z or +hh:mm / -hh:mm);
- the whole file is at most 50 MB uncompressed (the protocol's size limit)."""

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_ENTRIES = 50_000
MAX_BYTES = 50 * 1024 * 1024
LOC_MIN, LOC_MAX = 12, 2048
W3C_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?\Z"
)
CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
CHILDREN = {
    "urlset": ("url", ["loc", "lastmod", "changefreq", "priority"]),
    "sitemapindex": ("sitemap", ["loc", "lastmod"]),
}


def q(name):
    return f"{{{NS}}}{name}"


def validate(body: bytes, root_name: str) -> list[str]:
    """The ``loc`` values of a valid sitemap (``urlset``) or index (``sitemapindex``);
    raises AssertionError naming the first rule broken."""
    assert len(body) <= MAX_BYTES, "over 50 MB"
    root = ElementTree.fromstring(body)
    assert root.tag == q(root_name), f"root is {root.tag}, not {q(root_name)}"
    entry_name, order = CHILDREN[root_name]
    entries = list(root)
    assert 1 <= len(entries) <= MAX_ENTRIES, f"{len(entries)} entries"
    locs = []
    for entry in entries:
        assert entry.tag == q(entry_name), f"unexpected element {entry.tag}"
        names = [child.tag for child in entry]
        assert all(n.startswith(f"{{{NS}}}") for n in names), f"foreign element in {names}"
        local = [n.split("}", 1)[1] for n in names]
        assert local.count("loc") == 1, "each entry has exactly one loc"
        assert local == [n for n in order if n in local], f"elements out of order: {local}"
        assert len(set(local)) == len(local), f"repeated element: {local}"
        for child in entry:
            name, text = child.tag.split("}", 1)[1], (child.text or "").strip()
            if name == "loc":
                parts = urlsplit(text)
                assert parts.scheme in ("http", "https") and parts.netloc, f"not absolute: {text}"
                assert LOC_MIN <= len(text) <= LOC_MAX, f"loc length {len(text)}"
                locs.append(text)
            elif name == "lastmod":
                assert W3C_DATETIME.match(text), f"not a W3C Datetime: {text}"
            elif name == "changefreq":
                assert text in CHANGEFREQ, f"changefreq {text}"
            elif name == "priority":
                assert 0.0 <= float(text) <= 1.0, f"priority {text}"
    return locs
