from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from store.pagination import InvalidPageToken
from store.search.selectors import book_search


@require_safe
def search(request):
    """The search box's page: ``/search/?q=clea+co``, then ``&page=<token>``."""
    try:
        page = book_search(
            query=request.GET.get("q", ""),
            page_token=request.GET.get("page"),
            page_size=settings.SEARCH_PAGE_SIZE,
        )
    except InvalidPageToken as error:
        return render(request, "400.html", {"message": str(error)}, status=400)
    return render(
        request,
        "store/search.html",
        {
            "query": page.query,
            "books": page.books,
            "page": page,
            "is_first_page": not request.GET.get("page"),
        },
    )
