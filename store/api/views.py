"""The JSON API's views: each reads its parameters, calls one selector or service and
returns JSON (see responses.py for errors and cache headers, openapi.py for the contract)."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from store.api import params, serializers
from store.api.responses import api_view, error_response
from store.catalog import selectors
from store.search.selectors import book_search
from store.search.text import MAX_QUERY_LENGTH

MAX_BOOK_ID_LENGTH = 200
MAX_PAGE_SIZE = 100
MAX_SEARCH_PAGE_SIZE = 50


@api_view("GET")
def openapi_json(request):
    from store.api.openapi import openapi_description  # 500 lines of schema: only here

    return JsonResponse(openapi_description())


@api_view("GET")
def categories(request):
    summary = selectors.catalog_summary_get()
    counts = summary.categories.as_dict() if summary else {}
    return JsonResponse(
        {"categories": [serializers.category(name, count) for name, count in counts.items()]}
    )


@api_view("GET")
def category_books(request, category):
    if not selectors.category_is_valid(category):
        raise Http404
    token = params.page_token(request)
    books, next_token = selectors.category_books_page(
        category=category,
        page_token=token,
        page_size=params.integer(
            request, "page_size", default=settings.CATALOG_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE
        ),
    )
    if not books and not next_token and not token:
        raise Http404
    return JsonResponse(serializers.book_page(books, next_token))


@api_view("GET")
def book(request, category, book_id):
    found = None
    if len(book_id) <= MAX_BOOK_ID_LENGTH:
        found = selectors.book_get(category=category, book_id=book_id)
    if found is None:
        raise Http404
    return JsonResponse(serializers.book_detail(found))


@api_view("GET")
def books_by_title(request):
    """The seed's exact-title lookup (TitleSearchIndex)."""
    title = params.required_text(request, "title", max_length=MAX_QUERY_LENGTH)
    books = selectors.books_with_title(title)
    return JsonResponse({"books": [serializers.book_summary(b) for b in books]})


@api_view("GET")
def search(request):
    query = params.required_text(request, "q", max_length=MAX_QUERY_LENGTH)
    page = book_search(
        query=query,
        page_token=params.page_token(request),
        page_size=params.integer(
            request,
            "page_size",
            default=settings.SEARCH_PAGE_SIZE,
            low=1,
            high=MAX_SEARCH_PAGE_SIZE,
        ),
    )
    return JsonResponse(
        {"query": page.query, **serializers.book_page(page.books, page.next_token)}
    )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other URL under /api/."""
    response = error_response(404, "not_found", "There is no API endpoint at this URL.")
    response["Cache-Control"] = "no-store"
    return response
