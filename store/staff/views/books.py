"""Staff pages for books: the list, add, edit, cover, stock, hide and CSV import."""

import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import staff_required
from store.audit.selectors import book_audit_list
from store.catalog import bulk, selectors, services, stock
from store.catalog.bookfiles import BookFileError, rows_read, utf8_problem
from store.catalog.covers import InvalidCover
from store.staff.forms import (
    BookFilterForm,
    BookForm,
    CoverForm,
    ImportUploadForm,
    StockAdjustForm,
)

GET_POST = ["GET", "HEAD", "POST"]


def _book_or_404(category, book_id):
    book = selectors.book_get_any(category=category, book_id=book_id)
    if book is None:
        raise Http404("No such book.")
    return book


# How staff fix each value the store could not read (Book.unreadable).
UNREADABLE_FIXES = {
    "stock_quantity": "add the copies you hold under Stock; the unreadable value counts as 0.",
    "hidden": "choose Hide or Show under In the store.",
    "image_key": "upload a cover.",
    "created_at": "saving the details sets it to now.",
    "updated_at": "saving the details sets it to now.",
}
FIX_IN_DETAILS = "enter it under Details and save the changes."


def _initial(book):
    return {name: getattr(book, name) for name in BookForm.base_fields}


def _unreadable_fixes(book):
    return [(name, UNREADABLE_FIXES.get(name, FIX_IN_DETAILS)) for name in book.unreadable]


def _book_page(request, book, *, status=200, **forms):
    context = {
        "book": book,
        "form": forms.get("form") or BookForm(initial=_initial(book), editing=True),
        "cover_form": forms.get("cover_form") or CoverForm(),
        "stock_form": forms.get("stock_form") or StockAdjustForm(),
        "categories": selectors.category_list(),
        "audit": book_audit_list(category=book.category, book_id=book.book_id),
        "low_stock": settings.LOW_STOCK_THRESHOLD,
        "unreadable": _unreadable_fixes(book),
    }
    return render(request, "store/staff/book_detail.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "HEAD"])
def book_list(request):
    categories = selectors.category_list()
    form = BookFilterForm(request.GET or None, categories=categories)
    if request.GET and not form.is_valid():
        return render(
            request, "store/staff/book_list.html", {"form": form, "books": []}, status=400
        )
    filters = form.cleaned_data if request.GET else {}
    # No category chosen is "All categories", as the filter says (a bounded Scan a page).
    category = filters.get("category", "")
    books, next_token = selectors.book_list_page(
        category=category,
        text=filters.get("q", ""),
        low_only=filters.get("low", False),
        page_token=request.GET.get("page"),
        page_size=settings.STAFF_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "store/staff/book_list.html",
        {
            "form": form,
            "books": books,
            "next_token": next_token,
            "category": category,
            "filter_query": query.urlencode(),
            "low_stock": settings.LOW_STOCK_THRESHOLD,
            "import_form": ImportUploadForm(),
        },
    )


@never_cache
@staff_required
@require_http_methods(GET_POST)
def book_create(request):
    form = BookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            book = services.book_create(data=form.cleaned_data, actor=request.user)
        except services.BookExists as error:
            form.add_error("book_id", error.message)
        else:
            messages.success(request, f"Added “{book.title}”.")
            return redirect("staff:book-detail", book.category, book.book_id)
    return render(
        request,
        "store/staff/book_form.html",
        {"form": form, "categories": selectors.category_list()},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required
@require_http_methods(GET_POST)
def book_detail(request, category, book_id):
    book = _book_or_404(category, book_id)
    if request.method != "POST":
        return _book_page(request, book)
    form = BookForm(request.POST, initial=_initial(book), editing=True)
    if not form.is_valid():
        return _book_page(request, book, form=form, status=400)
    try:
        saved = services.book_update(book=book, data=form.cleaned_data, actor=request.user)
    except services.BookExists as error:
        form.add_error("category", error.message)
        return _book_page(request, book, form=form, status=400)
    except services.BookChanged as error:
        messages.error(request, error.message)
        return redirect("staff:book-detail", category, book_id)
    messages.success(
        request, f"Saved “{saved.title}”." if form.has_changed() else "Nothing was changed."
    )
    return redirect("staff:book-detail", saved.category, saved.book_id)


@never_cache
@staff_required
@require_POST
def book_cover(request, category, book_id):
    book = _book_or_404(category, book_id)
    form = CoverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.book_cover_set(
                book=book, upload=form.cleaned_data["cover"], actor=request.user
            )
        except InvalidCover as error:
            form.add_error("cover", error.message)
        except services.BookMoved as error:
            messages.error(request, error.message)
            return redirect("staff:book-list")
        else:
            messages.success(request, "The new cover is in place.")
            return redirect("staff:book-detail", category, book_id)
    return _book_page(request, book, cover_form=form, status=400)


@never_cache
@staff_required
@require_POST
def book_stock(request, category, book_id):
    book = _book_or_404(category, book_id)
    form = StockAdjustForm(request.POST)
    if form.is_valid():
        try:
            entry = stock.book_stock_adjust(
                category=category, book_id=book_id, actor=request.user, **form.cleaned_data
            )
        except stock.NotEnoughStock as error:
            form.add_error("delta", error.message)
        except (stock.BookGone, stock.StockBusy) as error:
            messages.error(request, error.message)
            return redirect("staff:book-detail", category, book_id)
        else:
            messages.success(request, f"Stock is now {entry.stock_after}.")
            return redirect("staff:book-detail", category, book_id)
    return _book_page(request, book, stock_form=form, status=400)


@never_cache
@staff_required
@require_POST
def book_visibility(request, category, book_id):
    book = _book_or_404(category, book_id)
    hidden = request.POST.get("hidden") == "1"
    if services.book_visibility_set(book=book, hidden=hidden, actor=request.user):
        messages.success(request, "Hidden from the store." if hidden else "Shown in the store.")
    else:
        messages.info(request, "It already was.")
    return redirect("staff:book-detail", category, book_id)


@never_cache
@staff_required
@require_http_methods(GET_POST)
def book_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
                raise BookFileError(
                    "This file is too large to import here; use manage.py import_books."
                )
            rows = list(rows_read(io.StringIO(upload.read().decode("utf-8-sig")), "csv"))
            if len(rows) > settings.IMPORT_UPLOAD_MAX_ROWS:
                raise BookFileError(
                    f"This file has {len(rows):,} rows; up to "
                    f"{settings.IMPORT_UPLOAD_MAX_ROWS:,} can be imported "
                    "here. Use manage.py import_books for more."
                )
            report = bulk.books_import(
                rows=rows,
                actor=request.user,
                source=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except UnicodeDecodeError:
            upload.seek(0)
            form.add_error("file", utf8_problem(upload.read()) or "The file is not UTF-8 text.")
        except BookFileError as error:
            form.add_error("file", error.message)
    if form.errors:
        status = 400
    return render(
        request, "store/staff/book_import.html", {"form": form, "report": report}, status=status
    )
