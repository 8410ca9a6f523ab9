"""Review pages: post, edit, delete, report (shoppers), the reported list and hiding
(staff). The user's own review is always found from the session, never from the URL."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import login_required, staff_required
from store.catalog.selectors import book_get
from store.reviews import selectors, services
from store.reviews.forms import ReviewForm, ReviewHideForm, ReviewReportForm, ReviewUnhideForm


def _book(category, book_id):
    book = book_get(category=category, book_id=book_id)
    if book is None:
        raise Http404("No such book.")
    return book


def _form_page(request, book, form, *, mine=None, status=200):
    return render(
        request,
        "store/reviews/review_form.html",
        {"book": book, "form": form, "mine": mine},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request, category, book_id):
    book = _book(category, book_id)
    if request.method != "POST":
        return _form_page(request, book, ReviewForm())
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _form_page(request, book, form, status=400)
    services.review_create(user=request.user, book=book, **form.cleaned_data)
    messages.success(request, "Thank you: your review will show on the book page shortly.")
    return redirect("store:book-detail", category, book_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request, category, book_id):
    book = _book(category, book_id)
    mine = selectors.review_get(book_id=book_id, user_id=request.user.user_id)
    if mine is None:
        raise Http404("You have not reviewed this book.")
    if request.method != "POST":
        form = ReviewForm(initial={"rating": mine.rating, "title": mine.title, "text": mine.text})
        return _form_page(request, book, form, mine=mine)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _form_page(request, book, form, mine=mine, status=400)
    services.review_update(user=request.user, book_id=book_id, **form.cleaned_data)
    messages.success(request, "Your review is updated.")
    return redirect("store:book-detail", category, book_id)


@login_required
@require_POST
def review_delete(request, category, book_id):
    _book(category, book_id)
    services.review_delete(user=request.user, book_id=book_id)
    messages.success(request, "Your review is deleted.")
    return redirect("store:book-detail", category, book_id)


@login_required
@require_POST
def review_report(request, category, book_id):
    _book(category, book_id)
    form = ReviewReportForm(request.POST)
    ref = selectors.review_ref_read(form.data.get("review", "")) if form.is_valid() else None
    if ref is None or ref[0] != book_id:
        raise services.ReviewMissing()
    services.review_report(user=request.user, book_id=book_id, author_id=ref[1])
    messages.success(request, "Thank you: staff will look at this review.")
    return redirect("store:book-detail", category, book_id)


@require_safe
def review_list(request, category, book_id):
    book = _book(category, book_id)
    page = selectors.review_page(
        book_id=book_id,
        older=request.GET.get(selectors.OLDER),
        newer=request.GET.get(selectors.NEWER),
    ) or selectors.review_first_page(
        book_id=book_id, rating=selectors.book_rating_get(book_id=book_id)
    )
    return render(request, "store/reviews/review_list.html", {"book": book, "review_page": page})


def _staff_list(request, hide_form, status=200):
    return render(
        request,
        "store/staff/reviews_reported.html",
        {
            "reviews": selectors.reviews_reported_list(),
            "hidden_reviews": selectors.reviews_hidden_list(),
            "hide_form": hide_form,
        },
        status=status,
    )


@staff_required
@require_safe
def review_reported_list(request):
    return _staff_list(request, ReviewHideForm())


@staff_required
@require_POST
def review_hide(request):
    form = ReviewHideForm(request.POST)
    if not form.is_valid():
        return _staff_list(request, form, status=400)
    ref = selectors.review_ref_read(form.cleaned_data["review"])
    if ref is None:
        raise services.ReviewMissing()
    services.review_hide(
        actor=request.user, book_id=ref[0], author_id=ref[1], reason=form.cleaned_data["reason"]
    )
    messages.success(request, "The review is hidden.")
    return redirect("staff:reviews-reported")


@staff_required
@require_POST
def review_unhide(request):
    form = ReviewUnhideForm(request.POST)
    ref = selectors.review_ref_read(form.data.get("review", "")) if form.is_valid() else None
    if ref is None:
        raise services.ReviewMissing()
    services.review_unhide(actor=request.user, book_id=ref[0], author_id=ref[1])
    messages.success(request, "The review is shown again.")
    return redirect("staff:reviews-reported")
