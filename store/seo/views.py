"""robots.txt, the sitemap index and one sitemap per category."""

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from store.seo import selectors
from store.seo.links import absolute, site_root
from store.seo.structured import book_path, category_path, home_path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# CloudFront keeps these an hour, browsers ten minutes: books change more slowly than that
# matters to a crawler, and a hidden book leaves at most an hour later.
SITEMAP_CACHE_CONTROL = "public, max-age=600, s-maxage=3600"
DISALLOWED = [
    "/admin/",
    "/accounts/",
    "/account/",
    "/api/",
    "/cart/",
    "/checkout/",
    "/orders/",
    "/wishlist/",
    "/saved/",
    "/reviews/",
    "/search/",
]


def w3c_datetime(value: datetime | None) -> str | None:
    """A W3C Datetime (YYYY-MM-DDThh:mm:ss+00:00) in UTC, as sitemaps want it."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _xml(body: str) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body, content_type="application/xml"
    )
    response["Cache-Control"] = SITEMAP_CACHE_CONTROL
    return response


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {absolute(reverse('sitemap-index'), request)}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = SITEMAP_CACHE_CONTROL
    return response


@require_safe
def sitemap_index(request):
    entries = [
        f"<sitemap><loc>{escape(absolute(reverse('sitemap-pages'), request))}</loc></sitemap>"
    ]
    for category in selectors.sitemap_categories():
        loc = absolute(reverse("sitemap-category", args=[category]), request)
        entries.append(f"<sitemap><loc>{escape(loc)}</loc></sitemap>")
    return _xml(f'<sitemapindex xmlns="{SITEMAP_NS}">' + "".join(entries) + "</sitemapindex>")


def _url(loc: str, lastmod: str | None = None) -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{modified}</url>"


@require_safe
def sitemap_pages(request):
    """The home page and every category page."""
    urls = [_url(absolute(home_path(), request))]
    urls += [_url(absolute(category_path(c), request)) for c in selectors.sitemap_categories()]
    return _xml(f'<urlset xmlns="{SITEMAP_NS}">' + "".join(urls) + "</urlset>")


@require_safe
def sitemap_category(request, category):
    books = list(selectors.sitemap_books(category))
    if not books:
        raise Http404("No such category.")
    root = site_root(request)
    urls = [_url(root + book_path(b), w3c_datetime(b.updated_at)) for b in books]
    return _xml(f'<urlset xmlns="{SITEMAP_NS}">' + "".join(urls) + "</urlset>")
