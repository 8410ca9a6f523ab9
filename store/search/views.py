from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from store.reviews.selectors import book_ratings_get
from store.search.selectors import book_search


@require_safe
def search(request):
    """The search box's page: ``/search/?q=clea+co``, then ``&page=<token>``."""
    page = book_search(
        query=request.GET.get("q", ""),
        page_token=request.GET.get("page"),
        page_size=settings.SEARCH_PAGE_SIZE,
    )
    return render(
        request,
        "store/search.html",
        {
            "query": page.query,
            "books": page.books,
            "card_ratings": book_ratings_get(book_ids=[b.book_id for b in page.books]),
            "page": page,
            "is_first_page": not request.GET.get("page"),
        },
    )
