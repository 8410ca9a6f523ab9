from django.shortcuts import render
from django.views.decorators.http import require_safe

from store.catalog.selectors import category_is_valid
from store.discovery import rules, selectors
from store.discovery.selectors import InvalidWindow


def _category_param(request) -> str | None:
    category = request.GET.get("category") or None
    if category is not None and not category_is_valid(category):
        raise InvalidWindow("No such category.")
    return category


@require_safe
def best_sellers(request):
    try:
        days = int(request.GET.get("days") or 7)
    except ValueError as error:
        raise InvalidWindow() from error
    category = _category_param(request)
    entries = selectors.best_sellers_get(days=days, category=category)
    return render(
        request,
        "store/discovery/best_sellers.html",
        {
            "entries": entries,
            "days": days,
            "windows": rules.WINDOWS,
            "category": category or "",
        },
    )


@require_safe
def new_releases(request):
    category = _category_param(request)
    entries = selectors.new_releases_page(category=category)
    return render(
        request,
        "store/discovery/new_releases.html",
        {"entries": entries, "category": category or ""},
    )
