"""What the site offers, derived from the URLconf and from its own pages, so that a new page
is covered by the hostile-input and security tests without anyone listing it:

* ``routes()``: every URL pattern (its view name, route and converters);
* ``World``: a small store (books, a cover, a shopper, a staff member, and whatever the
  ``enrich`` hooks add: a cart, an order, ...), with the real values of every kind of id,
  and the forms found by crawling the site as each role."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from tests.reliability.harness import parse_page

ROLES = ("anonymous", "shopper", "staff")
CRAWL_LIMIT = 120


@dataclass(frozen=True)
class Route:
    view_name: str
    route: str
    converters: tuple  # ((kwarg, converter), ...)
    csrf_exempt: bool = False  # the view skips Django's token (it checks the origin)

    @property
    def kwargs(self):
        return [name for name, _ in self.converters]

    def __str__(self):
        return f"/{self.route}"


def routes():
    """Every URL pattern of the URLconf, with its full route and converters."""
    found = []

    def walk(patterns, prefix, namespaces, converters):
        for pattern in patterns:
            own = dict(getattr(pattern.pattern, "converters", {}))
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    spaces,
                    {**converters, **own},
                )
            elif isinstance(pattern, URLPattern):
                name = (
                    ":".join(namespaces + (pattern.name,)) if pattern.name else pattern.lookup_str
                )
                found.append(
                    Route(
                        name,
                        prefix + str(pattern.pattern),
                        tuple({**converters, **own}.items()),
                        csrf_exempt=getattr(pattern.callback, "csrf_exempt", False),
                    )
                )

    walk(get_resolver().url_patterns, "", (), {})
    return found


def route_required(*view_names):
    """Fail, naming it, when a route that a test drives is missing (renamed or removed)."""
    for name in view_names:
        try:
            reverse(name)
        except NoReverseMatch:
            message = f"route {name!r} is missing (renamed?): this test drives it"
            raise AssertionError(message) from None


def view_name_of(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def is_staff_route(route):
    return (
        route.route.startswith("admin/")
        or ":staff" in route.view_name
        or (route.view_name.startswith("staff"))
    )


@dataclass
class World:
    """The store the hostile-input and security tests run against."""

    users: dict  # role -> user
    clients: dict  # role -> signed-in Client
    values: dict = field(default_factory=dict)  # kwarg name -> real values
    forms: dict = field(default_factory=dict)  # view name -> [Form]
    queries: dict = field(default_factory=dict)  # view name -> {param: [values]}
    pages: dict = field(default_factory=dict)  # role -> [paths crawled]
    bodies: dict = field(default_factory=dict)  # (role, path) -> HTML of the page
    json_fields: dict = field(default_factory=dict)  # view name -> JSON body properties

    def url_for(self, route, **overrides):
        """The route with real values (the first that reverses), or None."""
        kwargs = {}
        for name in route.kwargs:
            choices = overrides.get(name) or self.values.get(name) or []
            if not choices:
                return None
            kwargs[name] = choices[0] if not isinstance(choices, str) else choices
        try:
            return reverse(route.view_name, kwargs=kwargs)
        except NoReverseMatch:
            return None

    def forms_for(self, view_name):
        return self.forms.get(view_name, [])


def crawl(world, client, role, start_paths):
    """GET pages breadth-first (bounded), noting forms and query parameters per view."""
    seen, queue, pages = set(), list(start_paths), []
    while queue and len(pages) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        parts = urlsplit(path)
        if (
            parts.netloc
            or not parts.path.startswith("/")
            or parts.path.startswith(("/static/", "/media/"))
        ):
            continue
        response = client.get(path)
        pages.append(path)
        view = view_name_of(parts.path)
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            world.queries.setdefault(view, {}).setdefault(key, set()).add(value)
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        html = response.content.decode()
        world.bodies[(role, path)] = html
        forms, links = parse_page(html, path)
        for form in forms:
            target = view_name_of(form.action)
            if target:
                known = world.forms.setdefault(target, [])
                if not any(_same_form(form, other) for other in known):
                    known.append(form)
        for link in links:
            link_parts = urlsplit(link)
            if not link_parts.netloc and link_parts.path.startswith("/"):
                queue.append(link)
    world.pages[role] = pages


def _same_form(a, b):
    return a.method == b.method and a.action == b.action and set(a.kinds) == set(b.kinds)


def collect_values(world):
    """Real values of every kind of id, read from the tables and the bucket."""
    from django.core.files.storage import default_storage

    from store.catalog.models import Book

    values = world.values
    for book in Book.scan():
        if book.category.startswith("~"):
            continue
        values.setdefault("category", []).append(book.category)
        values.setdefault("book_id", []).append(book.book_id)
        values.setdefault("isbn", []).append(book.isbn)
    for name in ("category", "book_id"):
        values[name] = sorted(set(values.get(name, [])), key=values[name].index)
    client = default_storage.connection.meta.client
    listing = client.list_objects_v2(Bucket=default_storage.bucket_name)
    values["key"] = [obj["Key"] for obj in listing.get("Contents", [])]
    for user in world.users.values():
        values.setdefault("user_id", []).append(user.user_id)
    _collect_extra_values(values)
    return values


def _collect_extra_values(values):
    """Ids of the other areas: a reset link, the orders."""
    from accounts.services import user_create
    from accounts.tokens import reset_token_make
    from store.orders.models import Order

    # A reset link of a user that no role signs in as: a generated request that happens to
    # set a valid password there changes no role's password.
    bystander = user_create(
        email="bystander@example.com",
        password="unguessable pw 1",
        first_name="By",
        last_name="Stander",
    )
    values["token"] = [reset_token_make(user=bystander)]
    for order in Order.scan():
        values.setdefault("order_id", []).append(order.order_id)
    from store.promotions.selectors import promotion_list

    for promotion in promotion_list():
        values.setdefault("code", []).append(promotion.code)


def build_world(make_user, sign_in, enrich=(), crawl_site=True):
    """A fresh store, signed-in clients for each role, its real ids and forms."""
    from store.catalog.summary import catalog_summary_rebuild

    users = {
        "shopper": make_user(first_name="Shopper"),
        "staff": make_user(first_name="Staffer", is_staff=True),
    }
    clients = {"anonymous": Client(HTTP_ORIGIN="http://testserver")}
    for role, user in users.items():
        clients[role] = sign_in(Client(HTTP_ORIGIN="http://testserver"), user)
    catalog_summary_rebuild()
    world = World(users=users, clients=clients)
    for hook in enrich:
        hook(world)
    collect_values(world)
    for role in ROLES if crawl_site else ():
        starts = ["/"] + [p for p in (world.url_for(r) for r in routes()) if p]
        crawl(world, clients[role], role, starts)
    if crawl_site:
        read_api_descriptions(world)
    return world


def read_api_descriptions(world):
    """Query parameters and JSON body properties of every operation that an OpenAPI
    document served by the site describes (any route whose path ends in openapi.json)."""
    import json

    for route in routes():
        if not route.route.endswith("openapi.json") or route.kwargs:
            continue
        response = world.clients["anonymous"].get("/" + route.route)
        if response.status_code != 200:
            continue
        document = json.loads(response.content)
        for template, operations in document.get("paths", {}).items():
            view = view_name_of(re.sub(r"\{[^}]+\}", "x", template))
            if view is None:
                continue
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query":
                        world.queries.setdefault(view, {}).setdefault(parameter["name"], set())
                body = operation.get("requestBody", {}).get("content", {})
                schema = body.get("application/json", {}).get("schema", {})
                schema = _resolve(schema, document)
                world.json_fields.setdefault(view, set()).update(schema.get("properties", {}))


def _resolve(schema, document):
    reference = schema.get("$ref", "")
    if reference.startswith("#/"):
        node = document
        for part in reference[2:].split("/"):
            node = node.get(part, {})
        return node
    return schema


def known_page_tokens(world):
    tokens = []
    for params in world.queries.values():
        tokens.extend(params.get("page", ()))
    return sorted(tokens)
