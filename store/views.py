import mimetypes

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from store.catalog import selectors
from store.discovery import selectors as discovery
from store.reviews.selectors import book_page_extras, book_ratings_get


@require_safe
def home(request):
    page = discovery.home_page_get()  # one BatchGetItem: summary, best sellers, new releases
    featured = list(page.summary.featured) if page.summary else []
    return render(
        request,
        "store/home.html",
        {
            "summary": page.summary,
            "card_ratings": book_ratings_get(book_ids=[b.book_id for b in featured]),
            "best_sellers": page.best_sellers,
            "new_releases": page.new_releases,
        },
    )


@require_safe
def category_detail(request, category):
    if not selectors.category_is_valid(category):
        raise Http404("No such category.")
    sort = request.GET.get("sort") or ""
    in_stock_only = request.GET.get("in_stock") == "1"
    if sort or in_stock_only:  # one Query of the category's sort items
        books, next_token = discovery.category_sorted_page(
            category=category,
            sort=sort or "title",
            in_stock_only=in_stock_only,
            page_token=request.GET.get("page"),
            page_size=settings.CATALOG_PAGE_SIZE,
        )
        # Every book has an item in every sort order, so only the in-stock list may be
        # empty for a category that exists.
        if not books and not in_stock_only and not request.GET.get("page"):
            raise Http404("No such category.")
    else:  # the shelf order: one Query of the books table
        books, next_token = selectors.category_books_page(
            category=category,
            page_token=request.GET.get("page"),
            page_size=settings.CATALOG_PAGE_SIZE,
        )
        if not books and not request.GET.get("page"):
            raise Http404("No such category.")
    # one BatchGetItem: the cards' ratings and the category's best sellers
    extras = discovery.category_page_extras(category=category, book_ids=[b.book_id for b in books])
    return render(
        request,
        "store/category.html",
        {
            "category": category,
            "books": books,
            "card_ratings": extras.card_ratings,
            "category_best_sellers": extras.best_sellers,
            "best_sellers_days": extras.best_sellers_days,
            "next_token": next_token,
            "is_first_page": not request.GET.get("page"),
            "sort": sort,
            "in_stock_only": in_stock_only,
            "sorts": [(name, label) for name, (label, *_r) in discovery.SORTS.items()],
        },
    )


@require_safe
def book_detail(request, category, book_id):
    book = selectors.book_get(category=category, book_id=book_id)
    if book is None:
        raise Http404("No such book.")
    also_key = discovery.also_bought_key(category=category, book_id=book_id)
    extras = book_page_extras(
        book=book, user=request.user, query=request.GET, extra_keys={"also": also_key}
    )
    also = discovery.also_bought_entries(extras.pop("extra", {}).get("also"), book_id=book_id)
    return render(
        request,
        "store/book_detail.html",
        {"book": book, "low_stock": settings.LOW_STOCK_THRESHOLD, "also_bought": also, **extras},
    )


@require_safe
def cover(request, key):
    """Serve a cover from storage. In production CloudFront answers /media/ from S3;
    this view serves it everywhere else, from the same storage."""
    if not key.startswith("covers/") or ".." in key:
        raise Http404("No such image.")
    content_type = mimetypes.guess_type(key)[0]
    if content_type not in ("image/jpeg", "image/png", "image/webp", "image/gif"):
        raise Http404("No such image.")
    try:
        image = default_storage.open(key)
    except FileNotFoundError as error:
        raise Http404("No such image.") from error
    except OSError as error:  # django-storages raises this for a missing key on S3
        if "NoSuchKey" in str(error) or "Not Found" in str(error) or "404" in str(error):
            raise Http404("No such image.") from error
        raise
    response = FileResponse(image, content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
